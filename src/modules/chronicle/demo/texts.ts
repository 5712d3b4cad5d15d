/**
 * What a demo event says: its type, Russian title and summary from templates, how many took part
 * and were detained, and which acts (with which articles) it holds.
 */
import type { Town } from './places.ts'
import { type Random, weights } from './random.ts'

/** An act the demo will record, with its case if it has one. */
export type ActPlan = {
  type: string
  caseKind?: 'administrative' | 'criminal'
  article?: string
  outcome?: 'fine' | 'term' | 'suspended' | 'acquitted' | 'dismissed' | 'other'
  fineMinor?: number
  termMonths?: number
  caseStatus?: 'open' | 'closed' | 'appeal'
}

/** The words and numbers of one demo event. */
export type EventText = {
  type: string
  title: string
  summary: string
  participants: number | null
  detained: number | null
  authorised: boolean | null
  subject: string | null
  acts: ActPlan[]
}

const spikeTypes = weights([
  ['detention', 50],
  ['protest', 15],
  ['picket', 10],
  ['single_picket', 10],
  ['rally', 6],
  ['march', 5],
  ['solidarity', 4],
] as const)

const usualTypes = weights([
  ['detention', 22],
  ['single_picket', 14],
  ['picket', 6],
  ['protest', 6],
  ['rally', 2],
  ['march', 1],
  ['search', 9],
  ['arrest', 5],
  ['trial', 12],
  ['sentence', 9],
  ['refusal_to_serve', 4],
  ['strike', 1],
  ['solidarity', 6],
  ['other', 3],
] as const)

// Each with its genitive (also the prepositional here) and nominative.
const actions = [
  { gen: 'антивоенной акции', nom: 'антивоенная акция' },
  { gen: 'акции «Нет войне»', nom: 'акция «Нет войне»' },
  { gen: 'акции против мобилизации', nom: 'акция против мобилизации' },
  { gen: 'акции памяти', nom: 'акция памяти' },
  { gen: 'акции солидарности с Украиной', nom: 'акция солидарности с Украиной' },
]
const slogans = [
  'Нет войне',
  'Миру мир',
  '* *** *****',
  'Мир',
  'Отпустите наших сыновей',
  'Остановите войну',
  'Два слова',
]
const reasons = [
  'публикаций в соцсетях',
  'антивоенных листовок',
  'граффити «Нет войне»',
  'переводов в фонды помощи Украине',
  'поста о Буче',
  'комментария в чате дома',
]
// Accusative, genitive and instrumental: «арестовали активиста», «обыски у активиста», «суд над активистом».
const people = [
  { acc: 'активиста', gen: 'активиста', ins: 'активистом' },
  { acc: 'журналиста', gen: 'журналиста', ins: 'журналистом' },
  { acc: 'студентку', gen: 'студентки', ins: 'студенткой' },
  { acc: 'учительницу', gen: 'учительницы', ins: 'учительницей' },
  { acc: 'муниципального депутата', gen: 'муниципального депутата', ins: 'муниципальным депутатом' },
  { acc: 'художницу', gen: 'художницы', ins: 'художницей' },
  { acc: 'пенсионера', gen: 'пенсионера', ins: 'пенсионером' },
  { acc: 'священника', gen: 'священника', ins: 'священником' },
]
const adminArticles = weights([
  ['koap-20.3.3', 45],
  ['koap-20.2', 45],
  ['koap-19.3', 10],
] as const)
const criminalArticles = weights([
  ['uk-207.3', 45],
  ['uk-280.3', 25],
  ['uk-205.2', 12],
  ['uk-275', 10],
  ['uk-284.1', 8],
] as const)
const articleName: Record<string, string> = {
  'koap-20.3.3': 'статье 20.3.3 КоАП о «дискредитации» армии',
  'koap-20.2': 'статье 20.2 КоАП о нарушении порядка проведения акций',
  'koap-19.3': 'статье 19.3 КоАП о неповиновении полиции',
  'uk-207.3': 'статье 207.3 УК о «фейках» об армии',
  'uk-280.3': 'статье 280.3 УК о повторной «дискредитации» армии',
  'uk-205.2': 'статье 205.2 УК об «оправдании терроризма»',
  'uk-275': 'статье 275 УК о госизмене',
  'uk-284.1': 'статье 284.1 УК об участии в «нежелательной» организации',
}

/** "1 человек", "3 человека", "12 человек". */
export function plural(n: number, one: string, few: string, many: string): string {
  const tens = n % 100
  const units = n % 10
  if (tens >= 11 && tens <= 14) return many
  if (units === 1) return one
  if (units >= 2 && units <= 4) return few
  return many
}

function detainedCount(random: Random, spike: boolean): number {
  // Mostly a few people; on the big days, tens and now and then hundreds in one city.
  const r = random.next()
  if (spike) return r < 0.5 ? random.int(1, 10) : r < 0.9 ? random.int(10, 80) : random.int(80, 400)
  return r < 0.7 ? random.int(1, 3) : r < 0.95 ? random.int(3, 15) : random.int(15, 60)
}

function detentionActs(random: Random, detained: number): ActPlan[] {
  const acts: ActPlan[] = []
  for (let i = 0; i < Math.min(detained, 3); i++) {
    acts.push({ type: 'detention' })
    if (random.chance(0.7)) {
      const fined = random.chance(0.8)
      acts.push({
        type: fined ? 'fine' : 'administrative_arrest',
        caseKind: 'administrative',
        article: random.weighted(adminArticles),
        outcome: fined ? 'fine' : 'other',
        fineMinor: fined ? random.int(10, 100) * 1000_00 : undefined,
        caseStatus: 'closed',
      })
    }
  }
  return acts
}

/** The text, counts and acts of one event in `town` on `day`. */
export function eventText(random: Random, town: Town, day: string, spike: boolean): EventText {
  const type = random.weighted(spike ? spikeTypes : usualTypes)
  const where = `В ${town.in}`
  // Before mobilisation was announced, no action was against it.
  const action = random.pick(
    day < '2022-09-21' ? actions.filter((a) => !a.gen.includes('мобилизации')) : actions,
  )
  const base = { type, participants: null, detained: null, authorised: null, subject: null, acts: [] }
  switch (type) {
    case 'detention':
    case 'protest':
    case 'rally':
    case 'march':
    case 'picket': {
      const detained = detainedCount(random, spike)
      const participants = detained + random.int(0, detained * 4)
      const verb = plural(detained, 'задержан', 'задержаны', 'задержаны')
      const persons = plural(detained, 'человек', 'человека', 'человек')
      const title =
        detained === 1
          ? `${where} задержали участника ${action.gen}`
          : random.chance(0.5)
            ? `${where} на ${action.gen} ${verb} ${detained} ${persons}`
            : `${where} задержали ${detained} ${plural(detained, 'участника', 'участников', 'участников')} ${action.gen}`
      // No date in the text: a sensitive event's date is blurred in public, and the text must not undo it.
      const summary = `${where} прошла ${action.nom}; по данным наблюдателей, вышли около ${participants} ${plural(participants, 'человека', 'человек', 'человек')}. Задержанных доставили в отделы полиции, на части из них составили протоколы.`
      return {
        ...base,
        title,
        summary,
        participants,
        detained,
        authorised: false,
        subject: action.nom,
        acts: detentionActs(random, detained),
      }
    }
    case 'single_picket': {
      const slogan = random.pick(slogans)
      const who = random.pick(['участник', 'участница'])
      return {
        ...base,
        title: `${where} ${who === 'участник' ? 'задержан' : 'задержана'} ${who} одиночного пикета с плакатом «${slogan}»`,
        summary: `Полиция задержала человека, который вышел к центру города с плакатом «${slogan}». Составлен протокол о «дискредитации» армии.`,
        participants: 1,
        detained: 1,
        authorised: false,
        subject: `плакат «${slogan}»`,
        acts: [
          { type: 'detention' },
          {
            type: 'administrative_charge',
            caseKind: 'administrative',
            article: 'koap-20.3.3',
            outcome: 'fine',
            fineMinor: random.int(30, 50) * 1000_00,
            caseStatus: 'closed',
          },
        ],
      }
    }
    case 'search': {
      const who = random.pick(people)
      return {
        ...base,
        title: `${where} прошли обыски у ${who.gen}`,
        summary: `Силовики пришли с обыском из-за ${random.pick(reasons)}. Изъяты телефоны и ноутбуки.`,
        acts: [{ type: 'search' }],
      }
    }
    case 'arrest':
    case 'trial':
    case 'sentence': {
      const who = random.pick(people)
      const article = random.weighted(criminalArticles)
      const sentenced = type === 'sentence'
      const months = random.int(12, 96)
      const outcome = sentenced
        ? random.chance(0.75)
          ? 'term'
          : random.chance(0.6)
            ? 'suspended'
            : 'fine'
        : undefined
      const title =
        type === 'arrest'
          ? `${where} арестовали ${who.acc} по ${articleName[article]}`
          : type === 'trial'
            ? `${where} начался суд над ${who.ins} по ${articleName[article]}`
            : `${where} ${who.acc} ${outcome === 'term' ? `приговорили к ${months} мес. колонии` : outcome === 'suspended' ? 'приговорили к условному сроку' : 'оштрафовали'} по ${articleName[article]}`
      return {
        ...base,
        title,
        summary: `Поводом для дела стало обвинение в распространении ${random.pick(reasons)}. Защита считает преследование политическим.`,
        subject: articleName[article] ?? null,
        acts: [
          {
            type: sentenced ? 'sentence' : 'criminal_charge',
            caseKind: 'criminal',
            article,
            outcome,
            termMonths: outcome === 'term' || outcome === 'suspended' ? months : undefined,
            fineMinor: outcome === 'fine' ? random.int(300, 3000) * 1000_00 : undefined,
            caseStatus: sentenced ? 'closed' : 'open',
          },
        ],
      }
    }
    case 'refusal_to_serve':
      return {
        ...base,
        title: `${where} военнослужащего осудили за отказ участвовать в войне`,
        summary: 'Контрактник отказался возвращаться на фронт; суд назначил наказание в колонии-поселении.',
        acts: [
          {
            type: 'sentence',
            caseKind: 'criminal',
            outcome: 'term',
            termMonths: random.int(24, 72),
            caseStatus: 'closed',
          },
        ],
      }
    case 'strike':
      return {
        ...base,
        title: `${where} рабочие остановили работу в знак протеста`,
        summary:
          'Сотрудники предприятия отказались выходить на смену, требуя выплатить долги и вернуть мобилизованных коллег.',
        participants: random.int(10, 200),
      }
    case 'solidarity':
      return {
        ...base,
        title: `${where} прошла акция солидарности с политзаключёнными`,
        summary: 'Участники писали письма политзаключённым и собирали передачи.',
        participants: random.int(5, 120),
        authorised: null,
      }
    default:
      return {
        ...base,
        title: `${where} ${random.pick(['сорвали', 'повесили'])} антивоенные листовки`,
        summary: 'О событии сообщили местные жители.',
      }
  }
}
