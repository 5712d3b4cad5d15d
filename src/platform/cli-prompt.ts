/** Questions on the terminal for the `lifeline` command. */
import { createInterface } from 'node:readline/promises'

/** Asks a question on the terminal; with `hidden`, typed characters are not echoed. */
export async function ask(question: string, hidden = false): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY })
  if (hidden && process.stdin.isTTY) {
    const write = (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput
    ;(rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text: string) =>
      write.call(rl, text.startsWith(question) ? text : '')
  }
  const answer = await rl.question(question)
  rl.close()
  if (hidden && process.stdin.isTTY) process.stdout.write('\n')
  return answer
}
