//! `squall completions SHELL`: the shell completion script, generated from the same clap
//! definition the binary parses with, so it never lists a flag that does not exist.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Writes the completion script for `shell`.
pub fn write(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "squall", out);
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(shell: Shell) -> String {
        let mut out = Vec::new();
        write(shell, &mut out).expect("write to a Vec");
        String::from_utf8(out).expect("completion scripts are UTF-8")
    }

    #[test]
    fn every_shell_script_names_the_subcommands_and_flags() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = script(shell);
            // Long flags without their dashes: fish spells them `-l endpoint-url`.
            for word in ["peek", "purge", "endpoint-url", "read-only", "demo"] {
                assert!(text.contains(word), "{shell}: {word} missing");
            }
        }
    }

    #[test]
    fn bash_script_registers_the_completion_function() {
        assert!(script(Shell::Bash).contains("complete -F _squall"));
    }
}
