/**
 * Where demo events happen: regions weighted roughly as OVD-Info's counts fall (Moscow and
 * St Petersburg far ahead), each with towns in the nominative and the locative ("в Туле").
 */
import { weights } from './random.ts'

/** A town: its name, its name after «в», and roughly where it is. */
export type Town = { name: string; in: string; lat: number; lon: number }

/**
 * A region's code (ISO 3166-2) and towns; abroad, a country (ISO 3166-1) with towns and no region,
 * as editors record a solidarity action in Berlin.
 */
export type Region = { code: string | null; country?: string; towns: Town[] }

/** The country of a demo place: its own, else its region code's prefix. */
export function placeCountry(region: Region): string {
  return region.country ?? (region.code ?? '').slice(0, 2)
}

const town = (name: string, locative: string, lat: number, lon: number): Town => ({
  name,
  in: locative,
  lat,
  lon,
})

/** Regions by weight. */
export const regions = weights<Region>([
  [{ code: 'RU-MOW', towns: [town('Москва', 'Москве', 55.7558, 37.6173)] }, 30],
  [{ code: 'RU-SPE', towns: [town('Санкт-Петербург', 'Санкт-Петербурге', 59.9386, 30.3141)] }, 16],
  [
    {
      code: 'RU-MOS',
      towns: [town('Химки', 'Химках', 55.8887, 37.43), town('Подольск', 'Подольске', 55.4311, 37.5447)],
    },
    3,
  ],
  [{ code: 'RU-SVE', towns: [town('Екатеринбург', 'Екатеринбурге', 56.8389, 60.6057)] }, 4],
  [{ code: 'RU-NVS', towns: [town('Новосибирск', 'Новосибирске', 55.0084, 82.9357)] }, 3],
  [{ code: 'RU-TA', towns: [town('Казань', 'Казани', 55.7961, 49.1064)] }, 2],
  [{ code: 'RU-NIZ', towns: [town('Нижний Новгород', 'Нижнем Новгороде', 56.3269, 44.0059)] }, 2],
  [
    {
      code: 'RU-KDA',
      towns: [town('Краснодар', 'Краснодаре', 45.0355, 38.9753), town('Сочи', 'Сочи', 43.5855, 39.7231)],
    },
    2,
  ],
  [{ code: 'RU-PER', towns: [town('Пермь', 'Перми', 58.0105, 56.2502)] }, 2],
  [{ code: 'RU-ROS', towns: [town('Ростов-на-Дону', 'Ростове-на-Дону', 47.2357, 39.7015)] }, 1.5],
  [{ code: 'RU-SAM', towns: [town('Самара', 'Самаре', 53.1959, 50.1002)] }, 1.5],
  [{ code: 'RU-BA', towns: [town('Уфа', 'Уфе', 54.7388, 55.9721)] }, 1.5],
  [{ code: 'RU-KGD', towns: [town('Калининград', 'Калининграде', 54.7104, 20.4522)] }, 1],
  [{ code: 'RU-IRK', towns: [town('Иркутск', 'Иркутске', 52.2869, 104.305)] }, 1],
  [{ code: 'RU-TOM', towns: [town('Томск', 'Томске', 56.4847, 84.9482)] }, 1],
  [{ code: 'RU-TUL', towns: [town('Тула', 'Туле', 54.1931, 37.6173)] }, 1],
  [{ code: 'RU-VOR', towns: [town('Воронеж', 'Воронеже', 51.672, 39.1843)] }, 1],
  [{ code: 'RU-YAR', towns: [town('Ярославль', 'Ярославле', 57.6261, 39.8845)] }, 0.8],
  [{ code: 'RU-KHA', towns: [town('Хабаровск', 'Хабаровске', 48.4827, 135.0838)] }, 0.8],
  [{ code: 'RU-DA', towns: [town('Махачкала', 'Махачкале', 42.9849, 47.5047)] }, 0.8],
  [
    {
      code: 'RU-KC',
      towns: [
        town('Черкесск', 'Черкесске', 44.2233, 42.0578),
        town('Зеленчукская', 'Зеленчукской', 43.8586, 41.5906),
      ],
    },
    0.3,
  ],
  [{ code: 'RU-BU', towns: [town('Улан-Удэ', 'Улан-Удэ', 51.8335, 107.5841)] }, 0.5],
  [
    {
      code: 'UA-43',
      towns: [town('Симферополь', 'Симферополе', 44.9521, 34.1024), town('Ялта', 'Ялте', 44.4952, 34.1663)],
    },
    1.5,
  ],
  [{ code: 'UA-40', towns: [town('Севастополь', 'Севастополе', 44.6167, 33.5254)] }, 0.5],
  [{ code: 'UA-14', towns: [town('Мариуполь', 'Мариуполе', 47.0971, 37.5434)] }, 0.3],
  [{ code: 'UA-09', towns: [town('Луганск', 'Луганске', 48.574, 39.3078)] }, 0.2],
  [{ code: 'UA-23', towns: [town('Мелитополь', 'Мелитополе', 46.8489, 35.3675)] }, 0.3],
  [{ code: 'UA-65', towns: [town('Новая Каховка', 'Новой Каховке', 46.7547, 33.3486)] }, 0.2],
  [{ code: 'GE-AB', towns: [town('Сухум', 'Сухуме', 43.0015, 41.0234)] }, 0.1],
  [{ code: 'GE-TSKHINVALI', towns: [town('Цхинвал', 'Цхинвале', 42.2257, 43.9706)] }, 0.1],
  // Belarus, and abroad: solidarity actions, and people prosecuted in Russia in absentia.
  [
    {
      code: null,
      country: 'BY',
      towns: [town('Минск', 'Минске', 53.9045, 27.5615), town('Гомель', 'Гомеле', 52.4412, 30.9878)],
    },
    1.2,
  ],
  [{ code: null, country: 'DE', towns: [town('Берлин', 'Берлине', 52.52, 13.405)] }, 0.5],
  [{ code: null, country: 'GE', towns: [town('Тбилиси', 'Тбилиси', 41.7151, 44.8271)] }, 0.5],
  [{ code: null, country: 'AM', towns: [town('Ереван', 'Ереване', 40.1872, 44.5152)] }, 0.4],
  [{ code: null, country: 'RS', towns: [town('Белград', 'Белграде', 44.7866, 20.4489)] }, 0.2],
  [{ code: null, country: 'LT', towns: [town('Вильнюс', 'Вильнюсе', 54.6872, 25.2797)] }, 0.2],
])

/** Every region code the demo uses. */
export const regionCodes = regions.items.flatMap((region) => (region.code ? [region.code] : []))
