/** What a command run inside an instance returned (output is stdout and stderr, truncated). */
export interface ExecResult {
  exitCode: number;
  output: string;
}
