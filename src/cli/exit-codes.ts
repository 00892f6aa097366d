/** The exit codes every command documents in its --help (spec/cli.md). */
export const EXIT_CODES_TEXT = `Exit status:
  0    success, no differences
  1    differences or conflicts reported (or warnings while reading files, as bart)
  2    usage or input error (one line on stderr naming the file and line)
  3    a system command failed
  141  standard output was closed before all was written (\`preupd diff ... | head\`):
       what the shell reports for a command killed by SIGPIPE`;

/** 128 + SIGPIPE: the status sh gives a command killed by a write to a closed pipe. */
export const EXIT_PIPE_CLOSED = 128 + 13;
