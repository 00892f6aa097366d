/** The exit codes every command documents in its --help (spec/cli.md). */
export const EXIT_CODES_TEXT = `Exit status:
  0  success, no differences
  1  differences or conflicts reported (or warnings while reading files, as bart)
  2  usage or input error (one line on stderr naming the file and line)
  3  a system command failed`;
