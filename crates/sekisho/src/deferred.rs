//! Subcommand arguments that clap builds only when their subcommand runs.
//!
//! clap's derive builds every argument of every subcommand before it looks at the command
//! line: a few hundred `Arg`s, about 120 KB of heap and 32 KB of stack for a run that uses one
//! subcommand. That is a fifth of the start of a short run such as `sekisho dockerfile FILE`
//! (linting a file takes about as long as starting the process). `Deferred<T>` hands clap
//! `T`'s arguments through [`clap::Command::defer`], so they are built when the subcommand is
//! parsed or its help is shown, and the rest never are.

use clap::{ArgMatches, Args, Command, FromArgMatches};

/// `T`'s arguments, added to a subcommand only when clap builds that subcommand.
pub struct Deferred<T>(pub T);

impl<T> std::ops::Deref for Deferred<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }

    fn augment_args(cmd: Command) -> Command {
        cmd.defer(args_of::<T>)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        cmd.defer(args_for_update_of::<T>)
    }
}

fn args_of<T: Args>(cmd: Command) -> Command {
    keeping_about(cmd, T::augment_args)
}

fn args_for_update_of<T: Args>(cmd: Command) -> Command {
    keeping_about(cmd, T::augment_args_for_update)
}

/// Runs `augment` but keeps the subcommand's description: the derive sets it from the
/// subcommand's doc comment after adding the arguments, and the arguments' own doc comment
/// must not replace it now that they come later.
fn keeping_about(cmd: Command, augment: fn(Command) -> Command) -> Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let cmd = augment(cmd);
    let cmd = match about {
        Some(text) => cmd.about(text),
        None => cmd.about(None::<&str>),
    };
    match long_about {
        Some(text) => cmd.long_about(text),
        None => cmd.long_about(None::<&str>),
    }
}
