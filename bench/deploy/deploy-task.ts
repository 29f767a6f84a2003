/** What a benchmark deploy changes from one round to the next. */
export interface DeployTaskOptions {
  /** Image reference (the busybox httpd test image, v1 or v2). */
  image: string;
  /** Written into each instance's page as `<h1>v…</h1>`, so every release is told apart through the load balancer. */
  version: string;
  strategy: 'rolling' | 'blue-green';
  count: number;
  /** Public host name the load balancer routes by. */
  host: string;
  /** The container's `stop_timeout` (busybox httpd as PID 1 ignores SIGTERM, so every stop waits it out); default "200ms". */
  stopTimeout?: string;
}

/**
 * The task file both sides deploy (bubo through its API, the baseline parsed by the same parser):
 * rolling with max_surge 1 and max_unavailable 0, and no drain delay or switch grace, so what is
 * left of the time is bubo's own work and the health checks.
 */
export function deployTask(o: DeployTaskOptions): string {
  return `app = "bd"
group = "bd"
count = ${o.count}
runtime = "container"

[resources]
cpus = 0.3
memory = "64MiB"
disk = "64MiB"

[[containers]]
name = "web"
image = "${o.image}"
env = { VERSION = "${o.version}" }
stop_timeout = "${o.stopTimeout ?? '200ms'}"

[[ports]]
name = "http"
port = 80
public = { host = "${o.host}" }

[check]
http = { port = "http", path = "/healthz", expect = "ok" }
interval = "500ms"
timeout = "400ms"

[deploy]
strategy = "${o.strategy}"
max_surge = 1
max_unavailable = 0
drain_delay = "0s"
switch_grace = "0s"
healthy_deadline = "60s"
`;
}
