//! The rule table: codes, default severities, messages, documentation.

use super::{general as g, labels as l, packages as p, run as r, shellcheck, sk, Item, Sink};
use crate::Severity;
use crate::Severity::*;

/// Static description of a rule.
pub struct RuleInfo {
    /// Rule code.
    pub code: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Default message.
    pub message: &'static str,
    /// Also run over instructions wrapped in `ONBUILD`.
    pub onbuild: bool,
    /// Enabled without configuration.
    pub default_on: bool,
    /// Longer documentation for `sekisho explain`.
    pub doc: &'static str,
    /// The check.
    pub check: fn(&[Item], &mut Sink),
}

macro_rules! rule {
    ($code:literal, $sev:expr, $onb:expr, $on:expr, $f:path, $msg:literal, $doc:literal) => {
        RuleInfo {
            code: $code,
            severity: $sev,
            message: $msg,
            onbuild: $onb,
            default_on: $on,
            doc: $doc,
            check: $f,
        }
    };
}

static RULES: &[RuleInfo] = &[
    rule!("DL1001", Ignore, false, false, g::dl1001, "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.", "Opt-in. Reports inline ignore pragmas so that exceptions live in the config file."),
    rule!("DL3000", Error, false, true, g::dl3000, "Use absolute WORKDIR", "WORKDIR should be absolute (`/app`, `C:\\app` or a variable); relative paths depend on the previous WORKDIR."),
    rule!("DL3001", Info, true, true, r::dl3001, "For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`", "Interactive or system-management commands (ssh, vim, shutdown, service, ps, free, top, kill, mount) do nothing useful at build time."),
    rule!("DL3002", Warning, false, true, g::dl3002, "Last USER should not be root", "A stage whose last USER is root runs its container as root. Switch to an unprivileged user at the end of the stage."),
    rule!("DL3003", Warning, false, true, r::dl3003, "Use WORKDIR to switch to a directory", "`cd` in RUN only affects that RUN; WORKDIR is explicit and persists."),
    rule!("DL3004", Error, true, true, r::dl3004, "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root", "Builds run as root unless USER says otherwise; sudo adds a TTY/password dependency. Use gosu or su-exec at run time."),
    rule!("DL3006", Warning, false, true, g::dl3006, "Always tag the version of an image explicitly", "`FROM image` without tag or digest means `latest`, which changes under you. Earlier stage names are exempt, as is `scratch`."),
    rule!("DL3007", Warning, false, true, g::dl3007, "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag", "The `latest` tag moves; pin a release tag (or a digest)."),
    rule!("DL3008", Warning, true, true, p::dl3008, "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`", "Unpinned apt packages make builds irreproducible. sekisho (deliberately unlike hadolint) does not report packages given by a variable (`$PKGS`), and skips the values of `-t/--target-release`, `-o` and `-c`. Local `.deb` files and `pkg/release` are accepted."),
    rule!("DL3009", Info, true, true, r::dl3009, "Delete the apt lists (/var/lib/apt/lists) after installing something", "`apt-get update` leaves ~40 MB of lists in the layer; remove `/var/lib/apt/lists/*` in the same RUN, or use a cache mount on /var/lib/apt/lists. Only reported for the final stage or stages used as a base."),
    rule!("DL3010", Info, false, true, r::dl3010, "Use ADD for extracting archives into an image", "A local archive COPYed and then extracted in RUN stays in an earlier layer; ADD extracts it in one step."),
    rule!("DL3011", Error, false, true, g::dl3011, "Valid UNIX ports range from 0 to 65535", "EXPOSE with a port number above 65535."),
    rule!("DL3012", Error, false, true, g::dl3012, "Multiple `HEALTHCHECK` instructions.", "Only the last HEALTHCHECK of a stage takes effect."),
    rule!("DL3013", Warning, true, true, p::dl3013, "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`", "Unpinned pip packages make builds irreproducible. Requirement files, constraints, local paths, wheels and VCS URLs with `@ref` are accepted."),
    rule!("DL3014", Warning, true, true, p::dl3014, "Use the `-y` switch to avoid manual input `apt-get -y install <package>`", "Without -y apt-get may wait for confirmation and fail the build."),
    rule!("DL3015", Info, true, true, p::dl3015, "Avoid additional packages by specifying `--no-install-recommends`", "Recommended packages bloat the image. `-o APT::Install-Recommends=false` is accepted too."),
    rule!("DL3016", Warning, true, true, p::dl3016, "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`", "Unpinned global npm packages make builds irreproducible."),
    rule!("DL3018", Warning, true, true, p::dl3018, "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`", "Unpinned apk packages make builds irreproducible. Values of `-t/--virtual`, `--repository` and `-X` are not packages."),
    rule!("DL3019", Info, true, true, p::dl3019, "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages", "`apk add --no-cache` keeps the index out of the layer."),
    rule!("DL3020", Error, false, true, g::dl3020, "Use COPY instead of ADD for files and folders", "ADD has URL and archive magic; use COPY for plain files and directories."),
    rule!("DL3021", Error, false, true, g::dl3021, "COPY with more than 2 arguments requires the last argument to end with /", "With several sources the destination must be a directory ending in `/`."),
    rule!("DL3022", Warning, false, true, g::dl3022, "`COPY --from` should reference a previously defined `FROM` alias", "`COPY --from=name` where no earlier stage has that name (image references with `:` and earlier stage indexes are accepted)."),
    rule!("DL3023", Error, false, true, g::dl3023, "`COPY --from` cannot reference its own `FROM` alias", "A stage cannot copy from itself."),
    rule!("DL3024", Error, false, true, g::dl3024, "FROM aliases (stage names) must be unique", "Two stages with the same name."),
    rule!("DL3025", Warning, false, true, g::dl3025, "Use arguments JSON notation for CMD and ENTRYPOINT arguments", "Shell-form CMD/ENTRYPOINT runs under `/bin/sh -c`, which does not forward signals to your process."),
    rule!("DL3026", Error, false, true, g::dl3026, "Use only an allowed registry in the FROM image", "With `trustedRegistries` configured, FROM must use one of them."),
    rule!("DL3027", Warning, true, true, r::dl3027, "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead", "apt's CLI is not stable for scripts."),
    rule!("DL3028", Warning, true, true, p::dl3028, "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`", "Unpinned gems make builds irreproducible."),
    rule!("DL3029", Warning, false, true, g::dl3029, "Do not use --platform flag with FROM", "A hard-coded `--platform` breaks multi-platform builds; variables such as `$BUILDPLATFORM` are fine."),
    rule!("DL3030", Warning, true, true, p::dl3030, "Use the -y switch to avoid manual input `yum install -y <package`", "yum waits for confirmation without -y."),
    rule!("DL3032", Warning, true, true, p::dl3032, "`yum clean all` missing after yum command.", "Clean the yum cache in the same RUN."),
    rule!("DL3033", Warning, true, true, p::dl3033, "Specify version with `yum install -y <package>-<version>`.", "Unpinned yum packages make builds irreproducible."),
    rule!("DL3034", Warning, true, true, p::dl3034, "Non-interactive switch missing from `zypper` command: `zypper install -y`", "zypper waits for confirmation without -y/--non-interactive."),
    rule!("DL3035", Warning, true, true, p::dl3035, "Do not use `zypper dist-upgrade`.", "Distribution upgrades belong in the base image."),
    rule!("DL3036", Warning, true, true, p::dl3036, "`zypper clean` missing after zypper use.", "Clean the zypper cache in the same RUN."),
    rule!("DL3037", Warning, true, true, p::dl3037, "Specify version with `zypper install -y <package>=<version>`.", "Unpinned zypper packages make builds irreproducible."),
    rule!("DL3038", Warning, true, true, p::dl3038, "Use the -y switch to avoid manual input `dnf install -y <package>`", "dnf/microdnf wait for confirmation without -y."),
    rule!("DL3040", Warning, true, true, p::dl3040, "`dnf clean all` missing after dnf command.", "Clean the dnf cache in the same RUN, after installing."),
    rule!("DL3041", Warning, true, true, p::dl3041, "Specify version with `dnf install -y <package>-<version>`.", "Unpinned dnf packages make builds irreproducible."),
    rule!("DL3042", Warning, true, true, p::dl3042, "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`", "pip's cache ends up in the layer; use --no-cache-dir or PIP_NO_CACHE_DIR=1."),
    rule!("DL3043", Error, false, true, g::dl3043, "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.", "These instructions are not allowed inside ONBUILD."),
    rule!("DL3044", Error, false, true, g::dl3044, "Do not refer to an environment variable within the same `ENV` statement where it is defined.", "Within one ENV the new value is not yet visible to later pairs."),
    rule!("DL3045", Warning, true, true, g::dl3045, "`COPY` to a relative destination without `WORKDIR` set.", "A relative COPY destination depends on the base image's WORKDIR."),
    rule!("DL3046", Warning, false, true, r::dl3046, "`useradd` without flag `-l` and high UID will result in excessively large Image.", "useradd writes a sparse lastlog entry sized by the UID; use -l."),
    rule!("DL3047", Info, true, true, r::dl3047, "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).", "wget's default progress bar floods build logs."),
    rule!("DL3048", Style, true, true, g::dl3048, "Invalid label key.", "Label keys should be lower-case reverse-DNS (`a-z0-9.-`), not in reserved namespaces."),
    rule!("DL3049", Info, true, true, l::dl3049, "Label is missing.", "A label from `label-schema` is missing in a stage."),
    rule!("DL3050", Info, true, true, l::dl3050, "Superfluous label(s) present.", "With `strict-labels`, labels outside `label-schema` are reported."),
    rule!("DL3051", Warning, true, true, l::dl3051, "label is empty.", "A schema label has an empty value."),
    rule!("DL3052", Warning, true, true, l::dl3052, "Label is not a valid URL.", "A `url` schema label is not a URL."),
    rule!("DL3053", Warning, true, true, l::dl3053, "Label is not a valid time format - must be conform to RFC3339.", "An `rfc3339` schema label is not an RFC 3339 timestamp."),
    rule!("DL3054", Warning, true, true, l::dl3054, "Label is not a valid SPDX identifier.", "An `spdx` schema label is not a known SPDX license id."),
    rule!("DL3055", Warning, true, true, l::dl3055, "Label is not a valid git hash.", "A `hash` schema label is not a 7 or 40 hex digit git hash."),
    rule!("DL3056", Warning, true, true, l::dl3056, "Label does not conform to semantic versioning.", "A `semver` schema label is not a semantic version."),
    rule!("DL3057", Ignore, false, false, g::dl3057, "`HEALTHCHECK` instruction missing.", "Opt-in: a stage (or its ancestors) has no HEALTHCHECK. See also SK1011."),
    rule!("DL3058", Warning, true, true, l::dl3058, "Label is not a valid email format - must be conform to RFC5322.", "An `email` schema label is not an email address."),
    rule!("DL3059", Info, false, true, r::dl3059, "Multiple consecutive `RUN` instructions. Consider consolidation.", "Consecutive single-command RUNs with the same flags add layers; chain them. Differs from hadolint only where ShellCheck cannot parse a (PowerShell) body: hadolint then counts zero commands, sekisho counts what brush-parser reads."),
    rule!("DL3060", Info, true, true, p::dl3060, "`yarn cache clean` missing after `yarn install` was run.", "Clean the yarn cache in the same RUN."),
    rule!("DL3061", Error, false, true, g::dl3061, "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.", "Only ARG and comments may precede the first FROM."),
    rule!("DL3062", Warning, true, true, p::dl3062, "Pin versions in go. Instead of `go install <package>` use `go install <package>@<version>`", "`go install/get/run` of a remote package without `@version` (or with `@latest`)."),
    rule!("DL3063", Error, false, true, g::dl3063, "Stage name is reserved. Do not use `scratch` or `context` as a stage name.", "`scratch` and `context` have special meaning in BuildKit and cannot name stages."),
    rule!("DL3064", Warning, true, true, g::dl3064, "Potentially sensitive data should not be used in the `ARG` or `ENV` commands", "ARG and ENV values are stored in the image history. Use build secrets (`RUN --mount=type=secret`). See also SK1001 which looks at values."),
    rule!("DL3065", Warning, false, true, g::dl3065, "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is the default behavior", "`--platform=$TARGETPLATFORM` is the default."),
    rule!("DL3066", Info, false, true, g::dl3066, "Non-numeric user-id may not be resolvable by host system", "Kubernetes `runAsNonRoot` can only verify numeric UIDs."),
    rule!("DL3067", Warning, false, true, g::dl3067, "Do not copy an entire filesystem from another stage", "`COPY --from=x / /` copies everything, defeating the multi-stage build."),
    rule!("DL4000", Error, false, true, g::dl4000, "MAINTAINER is deprecated", "Use `LABEL org.opencontainers.image.authors=...` (`--fix` rewrites it)."),
    rule!("DL4001", Warning, true, true, r::dl4001, "Either use Wget or Curl but not both", "Installing both tools in one stage wastes space."),
    rule!("DL4003", Warning, false, true, g::dl4003, "Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect", "Only the last CMD of a stage counts."),
    rule!("DL4004", Error, false, true, g::dl4004, "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect", "Only the last ENTRYPOINT of a stage counts."),
    rule!("DL4005", Warning, true, true, r::dl4005, "Use SHELL to change the default shell", "Replacing /bin/sh with `ln` is fragile; use the SHELL instruction."),
    rule!("DL4006", Warning, false, true, r::dl4006, "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check", "Without pipefail a failing command before `|` is hidden. Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (any path to bash, zsh or ash is accepted; PowerShell and cmd are exempt)."),
    rule!("SC", Info, true, true, shellcheck::check, "", "ShellCheck findings on RUN bodies (see `sekisho explain SC2086`)."),
    rule!("SK1001", Error, true, true, sk::sk1001, "Secret or credential in ENV/ARG/LABEL value", "A value assigned in ENV, ARG or LABEL looks like a credential (private key, cloud access key, token, password in a URL, or a non-empty literal value for a variable named like a secret). ENV/ARG/LABEL values are stored in the image config and history. Use build secrets (`RUN --mount=type=secret`) or runtime configuration instead. CIS Docker Benchmark 4.10."),
    rule!("SK1002", Warning, false, true, sk::sk1002, "Environment file or per-environment configuration copied into the image", "COPY/ADD of `.env`, `*.env`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, `id_rsa`/`*.pem`/`*.key` or `config.<env>.*` bakes configuration or credentials into a layer. Inject configuration at run time and add these files to .dockerignore."),
    rule!("SK1003", Info, false, true, sk::sk1003, "Compilers or build tools installed in the final stage; consider a multi-stage build", "The last stage installs compilers or build tools (gcc, g++, make, build-essential, cmake, *-dev/-devel headers, golang, rustc/cargo, maven, gradle). They enlarge the attack surface of the runtime image. Build in an earlier stage and COPY --from the artefacts."),
    rule!("SK1004", Warning, false, true, sk::sk1004, "The final stage does not switch to a non-root USER", "The final stage never sets USER (or sets it to root), so the container runs as root. Add `USER <uid>` after the last package installation. Not reported for `scratch`-only or Windows images. CIS Docker Benchmark 4.1."),
    rule!("SK1005", Warning, false, true, sk::sk1005, "ADD used where COPY serves (remote URL or local archive)", "ADD with a remote URL downloads without checksum verification (use `ADD --checksum=` or `curl` + verification), and ADD with a local archive silently extracts it. Prefer COPY, or make the extraction explicit. CIS Docker Benchmark 4.9."),
    rule!("SK1006", Info, false, false, sk::sk1006, "Base image not pinned by digest", "Opt-in (`enable: [SK1006]`). Tags move; `FROM image:tag@sha256:...` makes the base reproducible."),
    rule!("SK1007", Warning, false, true, sk::sk1007, "Package manager cache not removed in the same RUN", "Package caches (apt lists, yum/dnf caches, apk index, pip/npm/yarn/gem caches, zypper) written by a RUN stay in its layer unless removed in that same RUN or kept in a cache mount. Covers apt-get, apk (without --no-cache), yum, dnf/microdnf, zypper, pip, npm, yarn and gem."),
    rule!("SK1008", Warning, true, true, sk::sk1008, "Avoid `upgrade`/`dist-upgrade` in a Dockerfile", "`apt-get upgrade`, `dist-upgrade`, `apk upgrade`, `yum/dnf update|upgrade` make the image depend on the day of the build; update the base image instead. CIS Docker Benchmark 4.7."),
    rule!("SK1009", Error, true, true, sk::sk1009, "Piping a download straight into a shell", "`curl ... | sh` (or wget, into sh/bash/python...) runs unverified remote code. Download, verify a checksum or signature, then run."),
    rule!("SK1010", Warning, true, true, sk::sk1010, "World-writable permissions or setuid/setgid bits", "`chmod 777`, `o+w`, `a+w` or setuid/setgid (`u+s`, `g+s`, 4xxx/2xxx modes), also through `COPY --chmod`, weaken the container's isolation. CIS Docker Benchmark 4.8."),
    rule!("SK1011", Info, false, true, sk::sk1011, "No HEALTHCHECK in the final stage", "Without HEALTHCHECK the runtime cannot tell a hung container from a healthy one. Not reported when the final stage is `scratch` or has no CMD/ENTRYPOINT (a builder or base image). CIS Docker Benchmark 4.6."),
    rule!("SK1012", Warning, false, true, sk::sk1012, "SSH port 22 exposed", "EXPOSE 22 suggests running sshd in the container; use `docker exec` instead. CIS Docker Benchmark 5.7."),
    rule!("SK1013", Info, true, true, sk::sk1013, "Package installation without minimal-install options", "Install only what is needed: `apt-get install --no-install-recommends`, `apk add --no-cache`, `dnf/yum install --setopt=install_weak_deps=False` (or `--nodocs`), `zypper install --no-recommends`."),
    rule!("SK1014", Warning, false, true, sk::sk1014, "Base image uses `latest` or no tag", "An untagged or `latest` base image (not an earlier stage, not scratch, not a variable) changes without notice. Pin a release tag, ideally with a digest."),
    rule!("SK1015", Warning, false, true, sk::sk1015, "Base image from a registry outside `trustedRegistries`", "With `trustedRegistries` configured, every external base image (including Docker Hub images without a registry host, counted as docker.io) must come from one of them."),
];

/// All rules in the order they run.
pub fn all_rules() -> &'static [RuleInfo] {
    RULES
}

/// Documentation for `sekisho explain RULE`.
pub fn explain(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    if let Some(r) = RULES.iter().find(|r| r.code == code && r.code != "SC") {
        return Some(format!(
            "{} ({}{})\n\n{}\n\n{}\n",
            r.code,
            r.severity.as_str(),
            if r.default_on { "" } else { ", opt-in" },
            r.message,
            r.doc
        ));
    }
    shellcheck::explain(&code)
}
