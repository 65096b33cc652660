// `synctv completion bash|zsh|fish` (08 §4.3): a shell completion script generated from the live
// command tree, so every command and flag the CLI knows is completed and nothing else.
import { Argument, type Command } from "commander";

interface Node {
  /** Command path without the program name, e.g. ["room", "member"]. */
  path: string[];
  subcommands: string[];
  flags: string[];
}

function flagsOf(command: Command): string[] {
  const flags: string[] = [];
  for (const option of command.options) {
    if (option.short) flags.push(option.short);
    if (option.long) flags.push(option.long);
  }
  return flags;
}

/** Every command of the tree, depth first; global flags belong to the root. */
export function commandTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (command: Command, path: string[]) => {
    const children = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
    nodes.push({
      path,
      subcommands: children.map((c) => c.name()),
      flags: [...flagsOf(command), "--help"],
    });
    for (const child of children) visit(child, [...path, child.name()]);
  };
  visit(program, []);
  return nodes;
}

function bashScript(nodes: Node[]): string {
  const cases = nodes
    .map((n) => `    "${n.path.join(" ")}") words="${[...n.subcommands, ...n.flags].join(" ")}" ;;`)
    .join("\n");
  return `# synctv bash completion: eval "$(synctv completion bash)"
_synctv() {
  local cur path="" w i words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    if _synctv_known "\${path:+$path }$w"; then path="\${path:+$path }$w"; fi
  done
  case "$path" in
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_synctv_known() {
  case "$1" in
${nodes
  .filter((n) => n.path.length > 0)
  .map((n) => `    "${n.path.join(" ")}") return 0 ;;`)
  .join("\n")}
  esac
  return 1
}
complete -F _synctv synctv
`;
}

function zshScript(nodes: Node[]): string {
  // zsh runs the bash function through bashcompinit: one generated tree for both shells.
  return `#compdef synctv
# synctv zsh completion: eval "$(synctv completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes).replace(/^# synctv bash completion.*\n/, "")}`;
}

function fishScript(nodes: Node[]): string {
  const lines = ["# synctv fish completion: synctv completion fish | source", "complete -c synctv -f"];
  for (const n of nodes) {
    // The command path must be exactly this node's: every path word seen, and no child yet.
    const seen = n.path.map((p) => `__fish_seen_subcommand_from ${p}`);
    const notDeeper = n.subcommands.length > 0 ? [`not __fish_seen_subcommand_from ${n.subcommands.join(" ")}`] : [];
    const condition = n.path.length === 0 ? "__fish_use_subcommand" : [...seen, ...notDeeper].join("; and ");
    for (const sub of n.subcommands) lines.push(`complete -c synctv -n '${condition}' -a ${sub}`);
    for (const flag of n.flags) {
      const spec = flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c synctv -n '${condition}' ${spec}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function registerCompletionCommand(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .action((shell: "bash" | "zsh" | "fish") => {
      const nodes = commandTree(program);
      const script = shell === "bash" ? bashScript(nodes) : shell === "zsh" ? zshScript(nodes) : fishScript(nodes);
      process.stdout.write(script);
    });
}
