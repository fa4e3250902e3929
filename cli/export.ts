// `bmshare export [--domain D] [--mailshare NAME...] [-o FILE]`: the live mailshares of a domain as a
// desired-state file that `plan` shows as unchanged (adopting an existing server is `export` then
// `apply`). The live state comes from the providers' own `read` — the one mapping plan and apply use —
// (export/live.ts); export/write.ts writes it down short and readable. This module runs the command:
// photos saved beside the file, warnings for what the file leaves out or cannot express. No secret
// exists in a mailshare, so none can leak here.
import * as fs from "node:fs";
import * as path from "node:path";
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError } from "./connection";
import { runServerCommand, type IoDependencies, type ServerCommandContext } from "./command";
import { domainNameOf, liveMailshareItems, readLiveMailshare, safeUrl } from "./live-mailshares";
import { exportYaml, inexpressible, rawMailshareOf, schemaComment, unsupportedMarkers } from "./export/write";
import { checkSources } from "../desired/load";
import { plural } from "./engine/format";
import { mapPool, poolWidth } from "./engine/pool";

const HELP = `usage: bmshare export [--domain DOMAIN] [--mailshare NAME ...] [-o FILE] [options]

Writes the live mailshares of a domain as a desired-state file (docs/desired-state.md): running
\`bmshare plan -f FILE\` on it shows no change, so adopting an existing server is export, then apply.
Fields equal to their default are left out. Mailshares created outside bmshare get \`adopt: true\`.
Photos are saved in a photos/ folder beside FILE (not when writing to standard output).
Values the format cannot express are written as read and named in a warning.

  --mailshare NAME    export only this mailshare (repeat for several)
  -o, --output FILE   write to FILE (default: standard output)
  -h, --help          this help

${CONNECTION_HELP}`;

const PHOTO_DIR = "photos";

export type ExportDependencies = IoDependencies;

interface ExportArgs {
  names: string[];
  output: string | null;
  domain: string | undefined;
}

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  mailshare: { type: "string", multiple: true },
  output: { type: "string", short: "o" },
} as const;

function parseExportArgs(values: Record<string, any>, positionals: string[]): ExportArgs {
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]} (name mailshares with --mailshare NAME)`);
  return { names: values.mailshare ?? [], output: values.output ?? null, domain: values.domain };
}

/** A file-system-safe photo name for a mailshare name (which may hold `/`, `*`, `?`...). */
const photoFileOf = (name: string, taken: Set<string>) => {
  const base = name.replace(/[^a-z0-9._-]/gi, "_");
  let file = `${base}.png`;
  for (let n = 2; taken.has(file); n++) file = `${base}-${n}.png`;
  taken.add(file);
  return file;
};


/** Owner labels a file's `owner:` key accepts (the desired-state schema's pattern). */
const OWNER_KEY = /^[A-Za-z0-9][A-Za-z0-9._@/-]{0,127}$/;

/**
 * The owner the exported file keeps: the one bmshare recorded on the exported mailshares, when they
 * share one that an `owner:` key can hold (so a plan of the export does not move them to the new
 * file's owner); none otherwise, and applying the file records its own.
 */
function commonOwner(live: readonly { owner: string | null }[]): string | undefined {
  const owners = new Set(live.map((m) => m.owner).filter((o): o is string => o !== null));
  const [only] = owners;
  return owners.size === 1 && OWNER_KEY.test(only) ? only : undefined;
}

export interface ExportTarget {
  /** The domain's name (as `domainNameOf` returns it). */
  domain: string;
  /** Mailshares to export (none: all of the domain). */
  names: string[];
  /** The file to write (photos go beside it), or null for standard output. */
  output: string | null;
  /** The schema modeline's comment lines (default: where `schemaComment` points for `output`). */
  schema?: string[];
  /** Refuse to replace an existing file (`bmshare init`). */
  exclusive?: boolean;
}

/** Reads the live mailshares of `target.domain` and writes them down; returns how many it wrote. */
export async function exportMailshares({ connection, rt, out, err }: ServerCommandContext, target: ExportTarget): Promise<number> {
  const { domain } = target;
  const items = await liveMailshareItems(rt, domain, target.names);
  const live = await mapPool(items, poolWidth(), (item) => readLiveMailshare(rt, domain, item));

  const warnings: string[] = [];
  const notes = new Map<number, string[]>();
  const photos: { file: string; uid: string }[] = [];
  const taken = new Set<string>();
  const mailshares = live.map((m, index) => {
    let photo: string | null = null;
    if (m.hasPhoto && target.output !== null) {
      const file = photoFileOf(m.value.name, taken);
      photos.push({ file, uid: m.uid });
      photo = `./${PHOTO_DIR}/${file}`;
    } else if (m.hasPhoto) {
      const line = `mailshare ${m.value.name} has a photo, not exported to standard output (use -o FILE): applying this file as is would remove it`;
      notes.set(index, [line]);
      warnings.push(line);
    }
    for (const identity of m.foreignIdentities) {
      const line = `identity "${identity.name}" (${identity.email}) was made outside bmshare: left out, as plan and apply leave it alone ` +
        "(to manage it, declare it here and delete the original in the console)";
      notes.set(index, [...(notes.get(index) ?? []), line]);
      warnings.push(`mailshare ${m.value.name}: ${line}`);
    }
    const { raw, exact } = rawMailshareOf(m.value, photo);
    if (!exact) warnings.push(`mailshare ${m.value.name}: the written form does not read back as exactly the live state (please report this bug)`);
    return raw;
  });

  const header = [
    ...(target.schema ?? schemaComment(target.output)),
    "",
    ` Mailshares of ${domain} on ${safeUrl(connection.url)}, written by \`bmshare export\` in the`,
    " desired-state format (docs/desired-state.md): `bmshare plan -f` on this file shows no change.",
  ];
  const text = exportYaml({ owner: commonOwner(live), domain, mailshares, header, notes });

  let shownAs = "(standard output)";
  let baseDir = process.cwd();
  if (target.output !== null) {
    const flag = target.exclusive ? "wx" : "w";
    shownAs = target.output;
    baseDir = path.dirname(path.resolve(target.output));
    fs.mkdirSync(baseDir, { recursive: true });
    if (photos.length > 0) fs.mkdirSync(path.join(baseDir, PHOTO_DIR), { recursive: true });
    for (const p of photos) fs.writeFileSync(path.join(baseDir, PHOTO_DIR, p.file), await rt.client.mailshares.getPhoto(domain, p.uid), { flag });
    fs.writeFileSync(target.output, text, { flag });
  } else {
    out(text);
  }

  const check = await checkSources([{ file: shownAs, text, baseDir }]);
  warnings.push(...inexpressible(check.errors, unsupportedMarkers({ mailshares })));
  for (const w of warnings) err(`warning: ${w}\n`);
  const where = target.output !== null ? ` to ${target.output}${photos.length > 0 ? ` (+ ${plural(photos.length, "photo")} in ${path.join(path.dirname(target.output), PHOTO_DIR)})` : ""}` : "";
  err(`exported ${plural(mailshares.length, "mailshare")} of ${domain}${where}${warnings.length > 0 ? `, ${plural(warnings.length, "warning")}` : ""}\n`);
  return mailshares.length;
}

export async function runExportCommand(argv: string[], deps: ExportDependencies = {}): Promise<number> {
  return runServerCommand("export", HELP, argv, OPTIONS, deps, async (ctx) => {
    const args = parseExportArgs(ctx.values, ctx.positionals);
    const domain = await domainNameOf(ctx.rt, args.domain ?? ctx.connection.domain);
    await exportMailshares(ctx, { domain, names: args.names, output: args.output });
    return 0;
  }, (values, positionals) => void parseExportArgs(values, positionals));
}
