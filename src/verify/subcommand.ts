/**
 * Argument handling shared by the subcommands that read a cloud assembly (`verify`, `cost`): parse the options, answer
 * `--help`, and accept at most one directory. DEPENDENCY-FREE (node builtins only).
 */
import { parseArgs, ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed options and the assembly directory (default `cdk.out`), or the exit code when the command is done. */
export type AssemblyArgs<T extends Options> =
  | { readonly values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>['values']; readonly directory: string }
  | { readonly exitCode: number };

/**
 * Parses `args` of subcommand `name` with `options` (a `help` flag is added): prints `usage` and returns exit code 0
 * for `--help`, 2 for an unknown option or more than one directory.
 */
export function parseAssemblyArgs<T extends Options>(name: string, args: string[], options: T, usage: string,
  out: (s: string) => void, err: (s: string) => void): AssemblyArgs<T> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    err(`${(e as Error).message}\n\n${usage}`);
    return { exitCode: 2 };
  }
  if ((parsed.values as Record<string, unknown>).help) {
    out(usage);
    return { exitCode: 0 };
  }
  if (parsed.positionals.length > 1) {
    err(`${name} takes one cloud assembly directory, got ${parsed.positionals.join(' ')}\n\n${usage}`);
    return { exitCode: 2 };
  }
  return { values: parsed.values as any, directory: parsed.positionals[0] ?? 'cdk.out' };
}
