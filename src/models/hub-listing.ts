// The hub cache as one listing: a shell script run on the cluster (one round trip, whatever the
// cache holds) prints every snapshot file, blob and ref, and a pure parser groups them by model.
// The layout is huggingface_hub's: <cache>/models--org--name/{blobs/<sha>, refs/<name>,
// snapshots/<revision>/<path> -> ../../blobs/<sha>}; a blob still downloading ends in .incomplete.
import { modelIdOfDir } from './model-id.js';

/**
 * `sh -c SCRIPT sh <hub cache>`: F (a file, links followed: its size), L (a snapshot link whose blob
 * is missing), R (a ref and the revision it names). Exit 3 when the cache directory is not there.
 */
export const HUB_LIST_SCRIPT = [
  'cd -- "$1" 2>/dev/null || exit 3',
  "find -L . -mindepth 3 -maxdepth 12 \\( -path './models--*/snapshots/*' -o -path './models--*/blobs/*' \\) \\( -type f -printf 'F\\t%P\\t%s\\n' -o -type l -printf 'L\\t%P\\t0\\n' \\) 2>/dev/null",
  'for r in ./models--*/refs/*; do [ -f "$r" ] && printf \'R\\t%s\\t%s\\n\' "${r#./}" "$(head -c 100 -- "$r")"; done',
  'exit 0',
].join('\n');

/** One model's folder in the cache. */
export interface HubRepo {
  id: string;
  dir: string;
  /** revision -> file path inside the snapshot -> size in bytes (of the blob it links to). */
  snapshots: Map<string, Map<string, number>>;
  /** revision -> snapshot paths whose blob is missing (a broken link). */
  broken: Map<string, string[]>;
  /** Bytes of the blobs (what the model takes on disk; revisions share blobs). */
  blobBytes: number;
  /** Blobs still being downloaded (`*.incomplete`). */
  incompleteBlobs: number;
  /** ref name (main, a branch or tag) -> revision. */
  refs: Record<string, string>;
}

function repoOf(repos: Map<string, HubRepo>, dir: string): HubRepo | undefined {
  const known = repos.get(dir);
  if (known !== undefined) return known;
  const id = modelIdOfDir(dir);
  if (id === undefined) return undefined;
  const repo: HubRepo = { id, dir, snapshots: new Map(), broken: new Map(), blobBytes: 0, incompleteBlobs: 0, refs: {} };
  repos.set(dir, repo);
  return repo;
}

/** Parse HUB_LIST_SCRIPT's output into one entry per model, sorted by id. Lines it cannot read are skipped. */
export function parseHubListing(stdout: string): HubRepo[] {
  const repos = new Map<string, HubRepo>();
  for (const line of stdout.split('\n')) {
    const [kind, path, value] = line.split('\t');
    if (path === undefined || value === undefined) continue;
    const [dir = '', area, rev = '', ...rest] = path.split('/');
    const repo = repoOf(repos, dir);
    if (repo === undefined) continue;
    if (kind === 'R' && area === 'refs') repo.refs[[rev, ...rest].join('/')] = value.trim();
    else if (kind === 'F' && area === 'blobs') {
      if (rev.endsWith('.incomplete')) repo.incompleteBlobs++;
      else repo.blobBytes += Number(value) || 0;
    } else if (area === 'snapshots' && rest.length > 0) {
      const file = rest.join('/');
      if (kind === 'F') {
        const files = repo.snapshots.get(rev) ?? new Map<string, number>();
        files.set(file, Number(value) || 0);
        repo.snapshots.set(rev, files);
      } else if (kind === 'L') {
        repo.broken.set(rev, [...(repo.broken.get(rev) ?? []), file]);
        if (!repo.snapshots.has(rev)) repo.snapshots.set(rev, new Map());
      }
    }
  }
  return [...repos.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The revision to use: the one `main` names when the cache has it, else the only (or last-sorted) one. */
export function mainRevision(repo: HubRepo, wanted?: string): string | undefined {
  if (wanted !== undefined) return repo.snapshots.has(wanted) ? wanted : repo.refs[wanted] !== undefined && repo.snapshots.has(repo.refs[wanted]) ? repo.refs[wanted] : undefined;
  const main = repo.refs['main'];
  if (main !== undefined && repo.snapshots.has(main)) return main;
  return [...repo.snapshots.keys()].sort().at(-1);
}

/** Bytes on disk: the blobs, or (a cache copied without blobs) the snapshot files themselves. */
export function sizeOnDisk(repo: HubRepo): number {
  if (repo.blobBytes > 0) return repo.blobBytes;
  let total = 0;
  for (const files of repo.snapshots.values()) for (const size of files.values()) total += size;
  return total;
}
