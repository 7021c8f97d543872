//! SK1003: Compilers or build tools installed in the final stage; consider a multi-stage build

use crate::rules::prelude::*;

/// SK1003's metadata and check.
pub(crate) static SK1003: RuleInfo = RuleInfo {
    code: "SK1003",
    severity: Info,
    message: "Compilers or build tools installed in the final stage; consider a multi-stage build",
    onbuild: false,
    default_on: true,
    doc: "The last stage installs compilers or build tools (gcc, g++, make, build-essential, \
          cmake, *-dev/-devel headers, golang, rustc/cargo, maven, gradle). They enlarge the \
          attack surface of the runtime image. Build in an earlier stage and COPY --from the \
          artefacts.",
    check: Check::Fold(check),
};

/// SK1003: Compilers or build tools installed in the final stage; consider a...
fn check(items: &[Item], s: &mut Sink) {
    let Some(start) = final_stage(items) else {
        return;
    };
    if !items
        .iter()
        .filter(|i| matches!(i.args(), Args::From(_)))
        .nth(1)
        .map(|_| true)
        .unwrap_or(false)
        && !items[start..]
            .iter()
            .any(|i| matches!(i.args(), Args::Cmd(_) | Args::Entrypoint(_)))
    {
        // single-stage image without a command: probably a builder/base image
        return;
    }
    for it in &items[start..] {
        if let Some(sh) = &it.shell {
            let removed: HashSet<&str> = sh
                .commands
                .iter()
                .filter(|c| {
                    c.has_args("apt-get", &["purge", "remove", "autoremove"])
                        || c.has_args("apk", &["del"])
                        || c.names_have_args(&["yum", "dnf"], &["remove", "erase"])
                })
                .flat_map(|c| c.args_no_flags())
                .collect();
            let tool = sh.commands.iter().find_map(|c| {
                installed_packages(c)
                    .into_iter()
                    .find(|p| is_build_tool(p) && !removed.contains(p))
                    .map(|p| (c, p))
            });
            if let Some((c, p)) = tool.filter(|_| {
                !sh.any(|c| {
                    // bulk removal of the build dependencies in the same RUN
                    c.has_args("apk", &["del"])
                        || c.has_args("apt-get", &["purge", "autoremove", "--auto-remove"])
                        || c.has_args("apt-mark", &["auto"])
                        || c.names_have_args(
                            &["yum", "dnf", "microdnf"],
                            &["autoremove", "remove", "erase"],
                        )
                })
            }) {
                s.fail_at(it.loc_pkg(c, p));
            }
        }
    }
}

const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "make",
    "build-essential",
    "cmake",
    "clang",
    "golang",
    "rustc",
    "cargo",
    "maven",
    "gradle",
    "build-base",
    "autoconf",
    "automake",
    "libtool",
    "gcc-c++",
    "musl-dev",
];

fn installed_packages(c: &Command) -> Vec<&str> {
    let install = match c.name.as_str() {
        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" => c.has_arg("install"),
        "apk" => c.has_arg("add"),
        _ => false,
    };
    if !install {
        return vec![];
    }
    c.args_no_flags()
        .into_iter()
        .filter(|a| !matches!(*a, "install" | "add"))
        .collect()
}

fn is_build_tool(p: &str) -> bool {
    let name = p.split(['=', '>', '<']).next().unwrap_or(p);
    BUILD_TOOLS.contains(&name)
        || (name.ends_with("-dev") || name.ends_with("-devel"))
            && !name.starts_with("python3-dev")
            && name.len() > 4
}
