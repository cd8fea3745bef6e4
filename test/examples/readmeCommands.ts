import { readFileSync } from "node:fs";

/**
 * The shell commands of a README's ```bash blocks, as argument lists: comments dropped, `a && b` split,
 * quotes removed as a shell would. Enough for the commands our READMEs give (no variables, no pipes).
 */
export function readmeCommands(readmeFile: string): string[][] {
  const text = readFileSync(readmeFile, "utf8");
  const commands: string[][] = [];
  for (const block of text.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split("\n")) {
      for (const part of splitAnd(stripComment(line))) {
        const words = shellWords(part);
        if (words.length > 0) commands.push(words);
      }
    }
  }
  return commands;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

const splitAnd = (line: string) => line.split(/\s&&\s/);

function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: string | undefined;
  let inWord = false;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${text}`);
  if (inWord) words.push(current);
  return words;
}
