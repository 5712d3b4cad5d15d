import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { keyedHash } from '../crypto/primitives.ts'
import {
  checkReceipt,
  newReceipt,
  receiptForToken,
  receiptFrom,
  receiptKeyPair,
  receiptLookup,
} from './receipts.ts'

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

describe('receipts', () => {
  it('are 20 symbols in five groups of four, each new one different', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const receipt = newReceipt()
      assert.match(receipt, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/)
      assert.ok(checkReceipt(receipt).ok)
      seen.add(receipt)
    }
    assert.equal(seen.size, 2000)
  })

  it('use every symbol about equally: 95 random bits, not fewer', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 2000; i++)
      for (const symbol of newReceipt().replaceAll('-', '').slice(0, 19))
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1)
    assert.equal(counts.size, 32)
    // 38,000 symbols: about 1,187 each; a symbol never drawn, or drawn twice as often, would be a bug.
    for (const [symbol, count] of counts) assert.ok(count > 900 && count < 1500, `${symbol}: ${count}`)
  })

  it('are read back however they are typed', () => {
    const receipt = receiptFrom(Buffer.from('0123456789abcdefghij'))
    const symbols = receipt.replaceAll('-', '')
    for (const typed of [
      receipt,
      receipt.toLowerCase(),
      symbols,
      ` ${receipt.replaceAll('-', ' ')} `,
      receipt.replaceAll('-', '–'),
      receipt.replaceAll('0', 'O').replaceAll('1', 'I'),
    ]) {
      const checked = checkReceipt(typed)
      assert.ok(checked.ok, typed)
      assert.equal(checked.symbols, symbols)
    }
  })

  it('take Cyrillic letters that look like Latin ones, as typed on a Russian layout', () => {
    const receipt = receiptFrom(
      Buffer.from([10, 11, 12, 14, 17, 21, 23, 24, 25, 26, 29, 30, 0, 3, 1, 2, 4, 5, 6]),
    )
    const cyrillic = receipt.replace(/[ABCEHKMPTX]/g, (char) => 'АВСЕНКМРТХ'['ABCEHKMPTX'.indexOf(char)]!)
    assert.notEqual(cyrillic, receipt)
    const checked = checkReceipt(cyrillic)
    assert.ok(checked.ok)
    assert.equal(checked.symbols, receipt.replaceAll('-', ''))
  })

  it('tell a typo from a receipt that does not exist: every single wrong symbol and swap is caught', () => {
    const symbols = newReceipt().replaceAll('-', '')
    for (let i = 0; i < symbols.length; i++) {
      for (const other of alphabet) {
        if (other === symbols[i]) continue
        const typed = symbols.slice(0, i) + other + symbols.slice(i + 1)
        assert.deepEqual(checkReceipt(typed), { ok: false, reason: 'typo' }, typed)
      }
    }
    // Luhn mod 32 misses only one swap: of the first and last symbols of the alphabet (0 and Z), as
    // Luhn mod 10 misses 09 ↔ 90. Every other swap of two neighbours is caught.
    const missed: string[] = []
    for (let i = 0; i + 1 < symbols.length; i++) {
      if (symbols[i] === symbols[i + 1]) continue
      const typed = symbols.slice(0, i) + symbols[i + 1] + symbols[i] + symbols.slice(i + 2)
      if (checkReceipt(typed).ok) missed.push([symbols[i], symbols[i + 1]].sort().join(''))
    }
    assert.deepEqual(
      missed.filter((pair) => pair !== '0Z'),
      [],
      symbols,
    )
  })

  it('refuse what is too short, too long or not in the alphabet', () => {
    assert.deepEqual(checkReceipt(''), { ok: false, reason: 'length' })
    assert.deepEqual(checkReceipt('ABCD-EFGH'), { ok: false, reason: 'length' })
    assert.deepEqual(checkReceipt(`${newReceipt()}X`), { ok: false, reason: 'length' })
    assert.deepEqual(checkReceipt('ABCD-EFGH-JKMN-PQRS-TVW!'), { ok: false, reason: 'symbols' })
    assert.deepEqual(checkReceipt("'; DROP TABLE helpdesk_reports;--"), { ok: false, reason: 'length' })
    assert.deepEqual(checkReceipt('\uFFFD'.repeat(20)), { ok: false, reason: 'symbols' })
  })

  it('give a lookup that depends on the receipt and the server’s key, and a key pair on the receipt alone', () => {
    const a = receiptFrom(Buffer.alloc(19, 1)).replaceAll('-', '')
    const b = receiptFrom(Buffer.alloc(19, 2)).replaceAll('-', '')
    const key = Buffer.alloc(32, 7)
    const lookup = (symbols: string, with_ = key) => receiptLookup(symbols, with_, 'lookup')
    const keyPair = (symbols: string) => receiptKeyPair(symbols, 'writer key')
    assert.deepEqual(lookup(a), lookup(a))
    assert.notDeepEqual(lookup(a), lookup(b))
    // Without the server's key, a copy of the database can't test a guessed receipt against new items.
    assert.notDeepEqual(lookup(a), lookup(a, Buffer.alloc(32, 8)))
    assert.notDeepEqual(lookup(a), keyedHash(a, 'lookup'))
    assert.notDeepEqual(lookup(a), receiptLookup(a, key, 'another intake'))
    assert.deepEqual(keyPair(a).publicKey, keyPair(a).publicKey)
    assert.notDeepEqual(keyPair(a).publicKey, keyPair(b).publicKey)
    // The lookup is not the key: knowing where an item is gives nothing to open it with.
    assert.notDeepEqual(lookup(a), keyPair(a).privateKey)
  })

  it('stand for their form token: the same token and key give the same receipt', () => {
    const key = Buffer.alloc(32, 3)
    assert.equal(receiptForToken('token-a', key), receiptForToken('token-a', key))
    assert.notEqual(receiptForToken('token-a', key), receiptForToken('token-b', key))
    assert.equal(checkReceipt(receiptForToken('token-a', key)).ok, true)
  })
})
