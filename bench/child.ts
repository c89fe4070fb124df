/** Runs one benchmark scenario in its own Node process (tsx loader) and returns the JSON figures it prints. */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MARKER = 'BENCH_RESULT ';

/** Child side: print the figures (plus the process's peak RSS) on the line the parent looks for. */
export function report(figures: Record<string, unknown>): void {
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${MARKER}${JSON.stringify({ ...figures, max_rss_mb: maxRssMb })}\n`);
}

/** Whether `moduleUrl` is the script node was started with. */
export const isMain = (moduleUrl: string): boolean =>
  process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;

/** Parent side: `node --import tsx <file> ...args`; stderr passes through, the result line is parsed. */
export function runChild<T>(moduleUrl: string, args: string[]): Promise<T> {
  const file = fileURLToPath(moduleUrl);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARKER));
      if (code !== 0 || !line) {
        reject(new Error(`${file} ${args.join(' ')} exited ${code}:\n${out}`));
        return;
      }
      resolve(JSON.parse(line.slice(MARKER.length)) as T);
    });
  });
}
