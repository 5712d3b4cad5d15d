/** The public home page. */
import type { LifelineModule } from '../../platform/module.ts'
import { registerHome } from './register.ts'

/** The home page's descriptor. */
export const home: LifelineModule = { name: 'home', register: registerHome }
