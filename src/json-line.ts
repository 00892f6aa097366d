/**
 * A JSON.parse error as one line of an InputError: its line when Node says where ("at
 * position N", "line L", the end of the input), and its words without V8's quoted snippet of
 * the text (`Unexpected token '}', "..." is not valid JSON`), which may span lines.
 */
export function jsonError(text: string, err: Error): { line: number | undefined; what: string } {
  const what = err.message.replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '').replace(/\s+/g, ' ');
  const line = /line (\d+)/.exec(err.message)?.[1];
  const position = /position (\d+)/.exec(err.message)?.[1];
  if (line !== undefined) return { line: Number(line), what };
  if (position !== undefined) return { line: text.slice(0, Number(position)).split('\n').length, what };
  return { line: /end of JSON input/.test(err.message) ? text.split('\n').length : undefined, what };
}
