import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fillTemplate } from './cells.ts'

test('a template drops an empty field with its separator, leaving no gap', () => {
  const template = 'протест: {subject} {date}'
  assert.equal(fillTemplate(template, { subject: '', date: '2022-09-21' }), 'протест: 2022-09-21')
  assert.equal(fillTemplate('{type}: {subject}', { type: '', subject: 'Нет войне' }), 'Нет войне')
  assert.equal(fillTemplate('{type}: {subject}', { type: 'Пикет', subject: ' ' }), 'Пикет')
  assert.equal(fillTemplate('{type}: {subject}', { type: 'Пикет', subject: 'Нет войне' }), 'Пикет: Нет войне')
})

test('a placeholder falls back to other columns, then to quoted text', () => {
  const template = '{subject|locality|"Акция"} ({date})'
  assert.equal(fillTemplate(template, { subject: 'Мир', locality: 'Тверь', date: '2022' }), 'Мир (2022)')
  assert.equal(fillTemplate(template, { subject: '', locality: 'Тверь', date: '2022' }), 'Тверь (2022)')
  assert.equal(fillTemplate(template, { date: '2022' }), 'Акция (2022)')
})
