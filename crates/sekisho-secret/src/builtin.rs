//! The built-in rule set.
//!
//! Rule IDs, titles and severities follow Trivy's built-in secret rules where Trivy has the kind
//! (so `disable-rules`, `.trivyignore` habits and dashboards keep working); kinds Trivy lacks use
//! gitleaks' names where one exists. The regexes are written for this crate: token formats are
//! anchored on their fixed prefixes with explicit boundaries, and key/value rules share one
//! key-connector-quoted-value shape ([`kv`]).

use crate::rule::{AllowRule, Check, Rule, Severity};
use Severity::{Critical, High, Low, Medium};

/// Builder used to keep the table below readable.
struct B(Rule);

impl B {
    fn group(mut self) -> Self {
        self.0.secret_group_name = Some("secret".to_string());
        self
    }
    fn entropy(mut self, e: f64) -> Self {
        self.0.entropy = Some(e);
        self
    }
    fn check(mut self, c: Check) -> Self {
        self.0.check = c;
        self
    }
    fn generic(mut self) -> Self {
        self.0.generic = true;
        self
    }
    fn whole_file(mut self) -> Self {
        self.0.line_local = false;
        self
    }
    fn no_placeholder(mut self) -> Self {
        self.0.no_placeholder_check = true;
        self
    }
    fn path(mut self, p: &str) -> Self {
        self.0.path.push(p.to_string());
        self
    }
}

fn r(id: &str, cat: &str, title: &str, sev: Severity, kws: &[&str], re: &str) -> B {
    let mut rule = Rule::new(id, cat, title, sev, re);
    rule.keywords = kws.iter().map(|s| s.to_string()).collect();
    rule.line_local = true;
    B(rule)
}

/// Key/value shape: a key containing `name` (not preceded by a letter or digit), up to 25 more
/// key characters, an assignment (`=`, `:`, `:=`, `=>`), a few filler characters, then the
/// quoted secret.
fn kv(name: &str, secret: &str) -> String {
    format!(
        r#"(?i)(?:^|[^a-z0-9])(?:{name})[a-z0-9_.\- ]{{0,25}}?["']?\s{{0,4}}(?:=|:=|=>|:|\|\|:)\s{{0,4}}[^\r\n"'`]{{0,5}}?["'`](?P<secret>{secret})["'`]"#
    )
}

const UUID_HEX: &str = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/// Trailing boundary for tokens whose alphabet includes `-` and `_`.
const END_DASH: &str = r"(?:[^A-Za-z0-9_\-]|$)";

/// Generic assignment: `<key> <connector> <value>`, value quoted or bare.
/// The value length is not bounded in the regex (large counted repetitions make the lazy DFA
/// slow); the rule's check enforces it.
fn assignment(key: &str, value_class: &str) -> String {
    format!(
        r#"(?i)\b(?P<key>[a-z0-9_.\-]*?(?:{key}))["']?[ \t]*(?:=|:=|=>|:)[ \t]*(?:"(?P<secret>[^"\r\n]+)"|'(?P<secret_q>[^'\r\n]+)'|(?P<secret_bare>{value_class}+)(?:[\s,;]|$))"#
    )
}

/// The built-in rules, in a stable order (the order of the README table).
pub fn builtin_rules() -> Vec<Rule> {
    let uuid = UUID_HEX;
    let rules: Vec<B> = vec![
        // ---------------------------------------------------------------- AWS
        r(
            "aws-access-key-id",
            "AWS",
            "AWS Access Key ID",
            Critical,
            &["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA", "A3T"],
            r"(?:^|[^A-Za-z0-9+/])(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16})(?:[^A-Za-z0-9+/=]|$)",
        )
        .group(),
        r(
            "aws-secret-access-key",
            "AWS",
            "AWS Secret Access Key",
            Critical,
            &["secretaccess", "secret_access", "secret-access", "secret.access", "aws_secret", "awssecret", "aws-secret", "aws.secret"],
            r#"(?i)(?:aws[_.\-]?secret(?:[_.\-]?access)?[_.\-]?key|secret[_.\-]?access[_.\-]?key)["']?\s{0,4}(?:=|:=|=>|:)\s{0,4}["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        )
        .group(),
        // ---------------------------------------------------------------- GitHub
        r("github-pat", "GitHub", "GitHub Personal Access Token", Critical, &["ghp_"], r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b").group(),
        r("github-oauth", "GitHub", "GitHub OAuth Access Token", Critical, &["gho_"], r"\b(?P<secret>gho_[A-Za-z0-9]{36})\b").group(),
        r("github-app-token", "GitHub", "GitHub App Token", Critical, &["ghu_", "ghs_"], r"\b(?P<secret>gh[us]_[A-Za-z0-9]{36})\b").group(),
        r("github-refresh-token", "GitHub", "GitHub Refresh Token", Critical, &["ghr_"], r"\b(?P<secret>ghr_[A-Za-z0-9]{36,76})\b").group(),
        r(
            "github-fine-grained-pat",
            "GitHub",
            "GitHub Fine-grained personal access tokens",
            Critical,
            &["github_pat_"],
            r"\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        )
        .group(),
        // ---------------------------------------------------------------- GitLab
        r(
            "gitlab-pat",
            "GitLab",
            "GitLab Personal Access Token",
            Critical,
            &["glpat-"],
            &format!(r"\b(?P<secret>glpat-[A-Za-z0-9_\-]{{20,300}}(?:\.[0-9a-z]{{2}}\.[0-9a-z]{{7,9}})?){END_DASH}"),
        )
        .group(),
        r("gitlab-deploy-token", "GitLab", "GitLab Deploy Token", Critical, &["gldt-"], &format!(r"\b(?P<secret>gldt-[A-Za-z0-9_\-]{{20,300}}){END_DASH}")).group(),
        r("gitlab-runner-token", "GitLab", "GitLab Runner Authentication Token", High, &["glrt-"], &format!(r"\b(?P<secret>glrt-[A-Za-z0-9_\-]{{20,300}}){END_DASH}")).group(),
        r("gitlab-pipeline-trigger-token", "GitLab", "GitLab Pipeline Trigger Token", High, &["glptt-"], r"\b(?P<secret>glptt-[0-9a-f]{40})\b").group(),
        r(
            "gitlab-runner-registration-token",
            "GitLab",
            "GitLab Runner Registration Token",
            High,
            &["GR1348941"],
            &format!(r"\b(?P<secret>GR1348941[A-Za-z0-9_\-]{{20}}){END_DASH}"),
        )
        .group(),
        // ---------------------------------------------------------------- AI / ML platforms
        r(
            "hugging-face-access-token",
            "HuggingFace",
            "Hugging Face Access Token",
            Critical,
            &["hf_"],
            r"\b(?P<secret>hf_[A-Za-z0-9]{34,40})\b",
        )
        .group()
        .check(Check::GenericSecret),
        r(
            "openai-api-key",
            "OpenAI",
            "OpenAI API Key",
            Critical,
            &["T3BlbkFJ"],
            &format!(r"\b(?P<secret>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{{20,160}}T3BlbkFJ[A-Za-z0-9_\-]{{20,160}}){END_DASH}"),
        )
        .group(),
        r(
            "anthropic-api-key",
            "Anthropic",
            "Anthropic API Key",
            Critical,
            &["sk-ant-"],
            &format!(r"\b(?P<secret>sk-ant-(?:api|admin|oat|ort)\d{{2}}-[A-Za-z0-9_\-]{{40,200}}){END_DASH}"),
        )
        .group(),
        r("groq-api-key", "Groq", "Groq API Key", High, &["gsk_"], r"\b(?P<secret>gsk_[A-Za-z0-9]{52})\b").group(),
        // ---------------------------------------------------------------- keys and tokens with structure
        r(
            "private-key",
            "AsymmetricPrivateKey",
            "Asymmetric Private Key",
            High,
            &["PRIVATE KEY"],
            r"-----BEGIN[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?-----",
        )
        .check(Check::PrivateKey)
        .whole_file()
        .no_placeholder(),
        r(
            "base64-private-key",
            "AsymmetricPrivateKey",
            "Base64-encoded asymmetric private key (e.g. kubeconfig client-key-data)",
            High,
            &["LS0tLS1CRUdJT"],
            r"(?P<secret>LS0tLS1CRUdJT[A-Za-z0-9+/]{100,}={0,2})",
        )
        .group()
        .check(Check::Base64PrivateKey)
        .no_placeholder(),
        r(
            "jwt-token",
            "JWT",
            "JWT token",
            Medium,
            &["eyJ"],
            r"\b(?P<secret>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})",
        )
        .group()
        .check(Check::Jwt)
        .no_placeholder(),
        r(
            "age-secret-key",
            "Age",
            "Age secret key",
            Medium,
            &["AGE-SECRET-KEY-1"],
            r"\b(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
        )
        .group(),
        // ---------------------------------------------------------------- Google / Azure
        r(
            "gcp-service-account",
            "Google",
            "Google (GCP) Service-account",
            Critical,
            &["private_key_id"],
            r#""private_key_id"\s*:\s*"(?P<secret>[0-9a-f]{40})""#,
        )
        .group(),
        r("gcp-api-key", "Google", "Google (GCP) API key", Medium, &["AIza"], &format!(r"\b(?P<secret>AIza[A-Za-z0-9_\-]{{35}}){END_DASH}")).group(),
        r(
            "azure-ad-client-secret",
            "Azure",
            "Azure AD (Entra ID) Client Secret",
            High,
            &["Q~"],
            r#"(?:^|[\s"'`=:,(>\\])(?P<secret>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?:[\s"'`,;)<\\]|$)"#,
        )
        .group()
        .entropy(3.0),
        r(
            "azure-storage-account-key",
            "Azure",
            "Azure Storage Account Key",
            Critical,
            &["AccountKey"],
            r"(?i)AccountKey\s*=\s*(?P<secret>[A-Za-z0-9+/]{86}==)",
        )
        .group(),
        r(
            "azure-sas-token",
            "Azure",
            "Azure Shared Access Signature (SAS) token",
            Medium,
            &["sig="],
            r#"(?:[?&;]|^)sv=\d{4}-\d{2}-\d{2}[^\s"'<>]*?[?&;]sig=(?P<secret>[A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2})|(?:[?&;]|^)sig=(?P<secret_2>[A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2})[^\s"'<>]*?[?&;]sv=\d{4}-\d{2}-\d{2}"#,
        )
        .group(),
        // ---------------------------------------------------------------- chat / collaboration
        r(
            "slack-access-token",
            "Slack",
            "Slack token",
            High,
            &["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-", "xoxe-", "xoxo-", "xoxe."],
            r"\b(?P<secret>xox[abeoprs](?:\.xox[bp])?-[0-9A-Za-z]{1,48}(?:-[0-9A-Za-z]{1,160}){0,4})\b",
        )
        .group()
        .check(Check::GenericSecret),
        r("slack-app-token", "Slack", "Slack App-level token", High, &["xapp-"], r"\b(?P<secret>xapp-\d-[A-Z0-9]{6,16}-\d{6,16}-[a-z0-9]{32,80})\b").group(),
        r(
            "slack-web-hook",
            "Slack",
            "Slack Webhook",
            Medium,
            &["hooks.slack.com"],
            r"(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{40,80})",
        )
        .group(),
        r("discord-api-token", "Discord", "Discord API key", Medium, &["discord"], &kv("discord", "[a-h0-9]{64}")).group(),
        r("discord-client-id", "Discord", "Discord client ID", Medium, &["discord"], &kv("discord", "[0-9]{18}")).group(),
        r("discord-client-secret", "Discord", "Discord client secret", Medium, &["discord"], &kv("discord", "[a-z0-9=_\\-]{32}")).group().entropy(3.0),
        r(
            "telegram-bot-token",
            "Telegram",
            "Telegram Bot API token",
            High,
            &[":AA"],
            &format!(r"(?:^|[^0-9A-Za-z:])(?P<secret>[0-9]{{8,10}}:AA[A-Za-z0-9_\-]{{33}}){END_DASH}"),
        )
        .group(),
        r(
            "atlassian-api-token",
            "Atlassian",
            "Atlassian API token",
            High,
            &["atlassian", "confluence", "jira", "ATATT"],
            &format!(
                r"{}|\b(?P<secret_2>ATATT3[A-Za-z0-9_\-=]{{150,200}}){END_DASH}",
                kv("atlassian|confluence|jira", "[a-z0-9]{24}")
            ),
        )
        .group(),
        r("asana-client-id", "Asana", "Asana Client ID", Medium, &["asana"], &kv("asana", "[0-9]{16}")).group(),
        r("asana-client-secret", "Asana", "Asana Client Secret", Medium, &["asana"], &kv("asana", "[a-z0-9]{32}")).group(),
        r("linear-api-token", "Linear", "Linear API token", Medium, &["lin_api_"], r"\b(?P<secret>lin_api_[A-Za-z0-9]{40})\b").group(),
        r("linear-client-secret", "Linear", "Linear client secret/ID", Medium, &["linear"], &kv("linear", "[a-f0-9]{32}")).group(),
        r("intercom-api-token", "Intercom", "Intercom API token", Low, &["intercom"], &kv("intercom", "[a-z0-9=_]{60}")).group(),
        r("intercom-client-secret", "Intercom", "Intercom client secret/ID", Low, &["intercom"], &kv("intercom", uuid)).group(),
        r("typeform-api-token", "Typeform", "Typeform API token", Low, &["tfp_"], &format!(r"\b(?P<secret>tfp_[A-Za-z0-9_=.\-]{{59}}){END_DASH}")).group(),
        r("twitch-api-token", "Twitch", "Twitch API token", Low, &["twitch"], &kv("twitch", "[a-z0-9]{30}")).group(),
        r("linkedin-client-secret", "LinkedIn", "LinkedIn Client secret", Low, &["linkedin", "linked_in", "linked-in"], &kv("linked[_\\-]?in", "[a-z]{16}")).group(),
        r("linkedin-client-id", "LinkedIn", "LinkedIn Client ID", Low, &["linkedin", "linked_in", "linked-in"], &kv("linked[_\\-]?in", "[a-z0-9]{14}")).group(),
        r("facebook-token", "Facebook", "Facebook token", Low, &["facebook"], &kv("facebook", "[a-f0-9]{32}")).group(),
        r("twitter-token", "Twitter", "Twitter token", Low, &["twitter"], &kv("twitter", "[a-f0-9]{35,44}")).group(),
        // ---------------------------------------------------------------- payments / commerce
        r(
            "stripe-publishable-token",
            "Stripe",
            "Stripe Publishable Key",
            Low,
            &["pk_test_", "pk_live_"],
            r"\b(?P<secret>pk_(?:test|live)_[0-9A-Za-z]{10,120})\b",
        )
        .group(),
        r(
            "stripe-secret-token",
            "Stripe",
            "Stripe Secret Key",
            Critical,
            &["sk_test_", "sk_live_"],
            r"\b(?P<secret>sk_(?:test|live)_[0-9A-Za-z]{10,120})\b",
        )
        .group(),
        r(
            "stripe-restricted-key",
            "Stripe",
            "Stripe Restricted Key",
            High,
            &["rk_test_", "rk_live_"],
            r"\b(?P<secret>rk_(?:test|live)_[0-9A-Za-z]{10,120})\b",
        )
        .group(),
        r("shopify-token", "Shopify", "Shopify token", High, &["shpss_", "shpat_", "shpca_", "shppa_"], r"\b(?P<secret>shp(?:ss|at|ca|pa)_[a-fA-F0-9]{32})\b").group(),
        r(
            "square-access-token",
            "Square",
            "Square access token / OAuth secret",
            High,
            &["sq0atp-", "sq0csp-"],
            &format!(r"\b(?P<secret>sq0(?:atp-[A-Za-z0-9_\-]{{22}}|csp-[A-Za-z0-9_\-]{{43}})){END_DASH}"),
        )
        .group(),
        r("flutterwave-public-key", "Flutterwave", "Flutterwave public/secret key", Medium, &["FLWSECK_TEST-", "FLWPUBK_TEST-"], r"\b(?P<secret>FLW(?:PUB|SEC)K_TEST-[a-hA-H0-9]{32}-X)\b").group(),
        r("flutterwave-enc-key", "Flutterwave", "Flutterwave encrypted key", Medium, &["FLWSECK_TEST"], r"\b(?P<secret>FLWSECK_TEST[a-hA-H0-9]{12})\b").group(),
        r("gocardless-api-token", "GoCardless", "GoCardless API token", Medium, &["live_"], r#"["'`](?P<secret>live_[A-Za-z0-9_=\-]{40})["'`]"#).group(),
        r("duffel-api-token", "Duffel", "Duffel API token", Low, &["duffel_test_", "duffel_live_"], &format!(r"\b(?P<secret>duffel_(?:test|live)_[A-Za-z0-9_=\-]{{43}}){END_DASH}")).group(),
        r("easypost-api-token", "Easypost", "EasyPost API token", Low, &["EZAK", "EZAT"], r"\b(?P<secret>EZ[AT]K[A-Za-z0-9]{54})\b").group(),
        r("shippo-api-token", "Shippo", "Shippo API token", Low, &["shippo_live_", "shippo_test_"], r"\b(?P<secret>shippo_(?:live|test)_[a-f0-9]{40})\b").group(),
        r("finicity-client-secret", "Finicity", "Finicity client secret", Medium, &["finicity"], &kv("finicity", "[a-z0-9]{20}")).group(),
        r("finicity-api-token", "Finicity", "Finicity API token", Medium, &["finicity"], &kv("finicity", "[a-f0-9]{32}")).group(),
        // ---------------------------------------------------------------- package registries
        r("npm-access-token", "Npm", "npm access token", Critical, &["npm_"], r"\b(?P<secret>npm_[A-Za-z0-9]{36})\b").group(),
        r("pypi-upload-token", "PyPI", "PyPI upload token", High, &["pypi-AgEIcHlwaS5vcmc"], &format!(r"\b(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{{50,1000}}){END_DASH}")).group(),
        r("rubygems-api-token", "RubyGems", "Rubygem API token", Medium, &["rubygems_"], r"\b(?P<secret>rubygems_[a-f0-9]{48})\b").group(),
        r("clojars-api-token", "Clojars", "Clojars API token", Medium, &["CLOJARS_"], r"\b(?P<secret>CLOJARS_[A-Za-z0-9]{60})\b").group(),
        r(
            "private-packagist-token",
            "Private Packagist",
            "Private Packagist token",
            High,
            &["packagist_uut_", "packagist_ort_", "packagist_out_"],
            r"\b(?P<secret>packagist_(?:ort|out|uut)_[a-fA-F0-9]{68})\b",
        )
        .group(),
        r("dockerhub-pat", "Docker", "Docker Hub personal/organization access token", High, &["dckr_pat_", "dckr_oat_"], &format!(r"\b(?P<secret>dckr_(?:pat|oat)_[A-Za-z0-9_\-]{{27,40}}){END_DASH}")).group(),
        r(
            "dockerconfig-secret",
            "Docker",
            "Dockerconfig secret exposed",
            High,
            &["dockerc"],
            r#"(?i)\.(?:dockerconfigjson|dockercfg)["']?\s*:\s*[|>]?-?\s*["']?(?P<secret>e[yw][A-Za-z0-9+/=]{20,})"#,
        )
        .group()
        .whole_file(),
        r(
            "docker-config-auth",
            "Docker",
            "Registry credentials in a Docker config.json (auth)",
            High,
            &["\"auth\""],
            r#""auth"\s*:\s*"(?P<secret>[A-Za-z0-9+/]{6,}={0,2})""#,
        )
        .group()
        .check(Check::DockerAuth),
        // ---------------------------------------------------------------- cloud / infra platforms
        r("heroku-api-key", "Heroku", "Heroku API Key", High, &["heroku", "HRKU-"], &format!(r"{}|\b(?P<secret_2>HRKU-[A-Za-z0-9_\-]{{60}}){END_DASH}", kv("heroku", uuid))).group(),
        r("digitalocean-token", "DigitalOcean", "DigitalOcean access/refresh token", Critical, &["dop_v1_", "doo_v1_", "dor_v1_"], r"\b(?P<secret>do[por]_v1_[a-f0-9]{64})\b").group(),
        r("hashicorp-tf-api-token", "HashiCorp", "HashiCorp Terraform user/org API token", Medium, &["atlasv1."], &format!(r"\b(?P<secret>[A-Za-z0-9]{{14}}\.atlasv1\.[A-Za-z0-9_=\-]{{60,70}}){END_DASH}")).group(),
        r(
            "hashicorp-vault-token",
            "HashiCorp",
            "HashiCorp Vault token",
            High,
            &["hvs.", "hvb.", "hvr."],
            &format!(r"\b(?P<secret>hv[sbr]\.[A-Za-z0-9_\-]{{24,200}}){END_DASH}"),
        )
        .group()
        .entropy(3.5),
        r("databricks-api-token", "Databricks", "Databricks API token", Medium, &["dapi"], r"\b(?P<secret>dapi[a-h0-9]{32}(?:-\d)?)\b").group(),
        r("doppler-api-token", "Doppler", "Doppler API token", Medium, &["dp.pt."], r"\b(?P<secret>dp\.pt\.[A-Za-z0-9]{43})\b").group(),
        r("dynatrace-api-token", "Dynatrace", "Dynatrace API token", Medium, &["dt0c01."], r"\b(?P<secret>dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64})\b").group(),
        r("fastly-api-token", "Fastly", "Fastly API token", Medium, &["fastly"], &kv("fastly", "[a-z0-9=_\\-]{32}")).group().entropy(3.0),
        r("grafana-api-token", "Grafana", "Grafana API token", Medium, &["eyJrIjoi"], r"\b(?P<secret>eyJrIjoi[A-Za-z0-9_=\-]{72,92})").group(),
        r("grafana-cloud-api-token", "Grafana", "Grafana Cloud API token", Medium, &["glc_"], r"\b(?P<secret>glc_[A-Za-z0-9+/]{32,400}={0,2})").group(),
        r("grafana-service-account-token", "Grafana", "Grafana service account token", Medium, &["glsa_"], r"\b(?P<secret>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b").group(),
        r("new-relic-user-api-key", "NewRelic", "New Relic user API Key", Medium, &["NRAK-"], r"\b(?P<secret>NRAK-[A-Z0-9]{27})\b").group(),
        r("new-relic-user-api-id", "NewRelic", "New Relic user API ID", Medium, &["newrelic", "new_relic", "new-relic"], &kv("new[_\\-]?relic", "[a-z0-9]{64}")).group(),
        r("new-relic-browser-api-token", "NewRelic", "New Relic ingest browser API token", Medium, &["NRJS-"], r"\b(?P<secret>NRJS-[a-f0-9]{19})\b").group(),
        r("planetscale-password", "Planetscale", "PlanetScale password", Medium, &["pscale_pw_"], r"\b(?P<secret>pscale_pw_[A-Za-z0-9_.\-]{43})").group(),
        r("planetscale-api-token", "Planetscale", "PlanetScale API token", Medium, &["pscale_tkn_"], r"\b(?P<secret>pscale_tkn_[A-Za-z0-9_.\-]{43})").group(),
        r("pulumi-api-token", "Pulumi", "Pulumi API token", High, &["pul-"], r"\b(?P<secret>pul-[a-f0-9]{40})\b").group(),
        r("postman-api-token", "Postman", "Postman API token", Medium, &["PMAK-"], r"\b(?P<secret>PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34})\b").group(),
        r("sentry-auth-token", "Sentry", "Sentry auth token", High, &["sntrys_", "sntryu_"], r"\b(?P<secret>sntrys_[A-Za-z0-9+/=_]{60,400}|sntryu_[a-f0-9]{64})").group(),
        r("frameio-api-token", "Frameio", "Frame.io API token", Low, &["fio-u-"], &format!(r"\b(?P<secret>fio-u-[A-Za-z0-9_=\-]{{64}}){END_DASH}")).group(),
        r("beamer-api-token", "Beamer", "Beamer API token", Low, &["beamer"], &kv("beamer", "b_[a-z0-9=_\\-]{44}")).group(),
        r("contentful-delivery-api-token", "ContentfulDelivery", "Contentful delivery API token", Low, &["contentful"], &kv("contentful", "[a-z0-9=_\\-]{43}")).group(),
        r("hubspot-api-token", "HubSpot", "HubSpot API token", Low, &["hubspot"], &kv("hubspot", uuid)).group(),
        r("ionic-api-token", "Ionic", "Ionic API token", Medium, &["ionic"], &kv("ionic", "ion_[a-z0-9]{42}")).group(),
        r("adobe-client-id", "Adobe", "Adobe Client ID (Oauth Web)", Low, &["adobe"], &kv("adobe", "[a-f0-9]{32}")).group(),
        r("adobe-client-secret", "Adobe", "Adobe Client Secret", Low, &["p8e-"], r"\b(?P<secret>p8e-[A-Za-z0-9]{32})\b").group(),
        r("alibaba-access-key-id", "Alibaba", "Alibaba AccessKey ID", High, &["LTAI"], r"\b(?P<secret>LTAI[A-Za-z0-9]{20})\b").group(),
        r("alibaba-secret-key", "Alibaba", "Alibaba Secret Key", High, &["alibaba"], &kv("alibaba", "[a-z0-9]{30}")).group(),
        r("bitbucket-client-id", "Bitbucket", "Bitbucket client ID", High, &["bitbucket"], &kv("bitbucket", "[a-z0-9]{32}")).group(),
        r("bitbucket-client-secret", "Bitbucket", "Bitbucket client secret", High, &["bitbucket"], &kv("bitbucket", "[a-z0-9_\\-]{64}")).group(),
        r("dropbox-api-secret", "Dropbox", "Dropbox API secret/key", High, &["dropbox"], &kv("dropbox", "[a-z0-9]{15}")).group(),
        r("dropbox-short-lived-api-token", "Dropbox", "Dropbox short lived API token", High, &["dropbox"], &kv("dropbox", "sl\\.[a-z0-9=_\\-]{135}")).group(),
        r(
            "dropbox-long-lived-api-token",
            "Dropbox",
            "Dropbox long lived API token",
            High,
            &["dropbox"],
            &kv("dropbox", "[a-z0-9]{11}AAAAAAAAAA[a-z0-9=_\\-]{43}"),
        )
        .group()
        .no_placeholder(),
        r("lob-api-key", "Lob", "Lob API Key", Low, &["lob"], &kv("lob", "(?:live|test)_[a-f0-9]{35}")).group(),
        r("lob-pub-api-key", "Lob", "Lob Publishable API Key", Low, &["lob"], &kv("lob", "(?:test|live)_pub_[a-f0-9]{31}")).group(),
        r("mailchimp-api-key", "Mailchimp", "Mailchimp API key", Medium, &["mailchimp"], &kv("mailchimp", "[a-f0-9]{32}-us[0-9]{1,2}")).group(),
        r("mailgun-token", "Mailgun", "Mailgun private API token", Medium, &["mailgun"], &kv("mailgun", "(?:pub)?key-[a-f0-9]{32}")).group(),
        r("mailgun-signing-key", "Mailgun", "Mailgun webhook signing key", Medium, &["mailgun"], &kv("mailgun", "[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}")).group(),
        r("mapbox-api-token", "Mapbox", "Mapbox API token", Medium, &["pk.", "sk."], &format!(r"\b(?P<secret>[ps]k\.[A-Za-z0-9_\-]{{40,200}}\.[A-Za-z0-9_\-]{{20,30}}){END_DASH}")).group().check(Check::GenericSecret),
        r("messagebird-api-token", "MessageBird", "MessageBird API token", Medium, &["messagebird", "message_bird", "message-bird"], &kv("message[_\\-]?bird", "[a-z0-9]{25}")).group(),
        r("messagebird-client-id", "MessageBird", "MessageBird API client ID", Medium, &["messagebird", "message_bird", "message-bird"], &kv("message[_\\-]?bird", uuid)).group(),
        r("sendgrid-api-token", "SendGrid", "SendGrid API token", Medium, &["SG."], &format!(r"\b(?P<secret>SG\.[A-Za-z0-9_\-]{{22}}\.[A-Za-z0-9_\-]{{43}}){END_DASH}")).group(),
        r("sendinblue-api-token", "Sendinblue", "Sendinblue API token", Low, &["xkeysib-"], r"\b(?P<secret>xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})\b").group(),
        r("twilio-api-key", "Twilio", "Twilio API Key", Medium, &["SK"], r"\b(?P<secret>SK[0-9a-fA-F]{32})\b").group().entropy(3.0),
        // ---------------------------------------------------------------- more platforms (gitleaks kinds)
        r("artifactory-api-key", "JFrog", "JFrog Artifactory API key / reference token", High, &["AKCp", "cmVmdGtuOjAxOj"], r"\b(?P<secret>AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{40,60})\b").group(),
        r("flyio-access-token", "Fly.io", "Fly.io access token", High, &["fo1_", "fm1r_", "fm1a_", "fm2_"], &format!(r"\b(?P<secret>fo1_[A-Za-z0-9_\-]{{43}}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{{100,}}={{0,3}}){END_DASH}")).group(),
        r("prefect-api-token", "Prefect", "Prefect API token", High, &["pnu_"], r"\b(?P<secret>pnu_[A-Za-z0-9]{36})\b").group(),
        r("readme-api-token", "Readme", "ReadMe API token", Medium, &["rdme_"], r"\b(?P<secret>rdme_[a-z0-9]{70})\b").group(),
        r("sourcegraph-access-token", "Sourcegraph", "Sourcegraph access token", High, &["sgp_"], r"\b(?P<secret>sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40})\b").group(),
        r("infracost-api-token", "Infracost", "Infracost API token", Medium, &["ico-"], r"\b(?P<secret>ico-[A-Za-z0-9]{32})\b").group(),
        r("scalingo-api-token", "Scalingo", "Scalingo API token", High, &["tk-us-"], &format!(r"\b(?P<secret>tk-us-[A-Za-z0-9_\-]{{48}}){END_DASH}")).group(),
        r("openshift-user-token", "OpenShift", "OpenShift user token", High, &["sha256~"], &format!(r"\b(?P<secret>sha256~[A-Za-z0-9_\-]{{43}}){END_DASH}")).group(),
        r("1password-service-account-token", "1Password", "1Password service account token", Critical, &["ops_eyJ"], r"\b(?P<secret>ops_eyJ[A-Za-z0-9+/]{250,}={0,3})").group(),
        r("harness-api-key", "Harness", "Harness personal/service account token", High, &["pat.", "sat."], r"\b(?P<secret>(?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[a-fA-F0-9]{24}\.[A-Za-z0-9]{20})\b").group(),
        r("cloudflare-origin-ca-key", "Cloudflare", "Cloudflare Origin CA key", High, &["v1.0-"], r"\b(?P<secret>v1\.0-[a-f0-9]{24}-[a-f0-9]{146})\b").group(),
        r("nuget-api-key", "NuGet", "NuGet API key", High, &["oy2"], r"\b(?P<secret>oy2[a-z0-9]{43})\b").group().check(Check::GenericSecret),
        r("yandex-api-key", "Yandex", "Yandex Cloud API key", High, &["AQVN"], &format!(r"\b(?P<secret>AQVN[A-Za-z0-9_\-]{{35,38}}){END_DASH}")).group().check(Check::GenericSecret),
        r("airtable-personal-access-token", "Airtable", "Airtable personal access token", High, &["pat"], r"\b(?P<secret>pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b").group(),
        r("datadog-access-token", "Datadog", "Datadog API/application key", Medium, &["datadog", "dd_api", "dd_app"], &kv("datadog|dd_api|dd_app", "[a-f0-9]{32}|[a-f0-9]{40}")).group(),
        r("snyk-api-token", "Snyk", "Snyk API token", High, &["snyk"], &kv("snyk", UUID_HEX)).group(),
        r("okta-access-token", "Okta", "Okta API token", High, &["okta"], &kv("okta", "00[a-z0-9=_\\-]{40}")).group(),
        // ---------------------------------------------------------------- credentials in URLs and config files
        r(
            "database-url-credentials",
            "Database",
            "Database connection URL with embedded password",
            High,
            &["://"],
            r#"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|clickhouse|cockroachdb|couchdb|neo4j(?:\+s)?|oracle|db2|memcached|cassandra)(?:\+[a-z0-9]+)?://(?P<user>[^:/?#@\s"'<>]{0,64}):(?P<secret>[^@/?#\s"'<>]{1,128})@[A-Za-z0-9_.\[\]\-]"#,
        )
        .group()
        .check(Check::UrlPassword),
        r(
            "url-basic-auth",
            "General",
            "URL with embedded credentials (user:password@host)",
            Medium,
            &["://"],
            r#"(?i)\b(?:https?|ftps?|git|ssh|ldaps?|smtps?|sftp|svn|nntp)://(?P<user>[^:/?#@\s"'<>]{1,64}):(?P<secret>[^@/?#\s"'<>]{6,128})@[A-Za-z0-9_.\[\]\-]"#,
        )
        .group()
        .check(Check::UrlPassword)
        .generic(),
        r(
            "authorization-header",
            "General",
            "Credentials in an HTTP Authorization header",
            Medium,
            &["authorization"],
            r#"(?i)\bauthorization["']?\s*[:=]\s*["']?(?:bearer|token|basic)\s+(?P<secret>[A-Za-z0-9._~+/\-]{16,}={0,2})"#,
        )
        .group()
        .check(Check::GenericSecret)
        .entropy(3.0)
        .generic(),
        r(
            "netrc-password",
            "General",
            "Password in a .netrc file",
            High,
            &["machine"],
            r"(?m)^\s*machine\s+\S+\s+login\s+\S+\s+password\s+(?P<secret>\S+)",
        )
        .group()
        .check(Check::GenericPassword)
        .path(r"(?:^|/)[._]netrc$")
        .whole_file(),
        r(
            "generic-password",
            "General",
            "Password assignment",
            Medium,
            &["pass", "pwd"],
            &assignment("passwd|password|passphrase|pwd|pass", r#"[^\s"'`;,<>{}()\[\]$]"#),
        )
        .group()
        .check(Check::GenericPassword)
        .generic(),
        r(
            "generic-api-key",
            "General",
            "Generic API key / secret / token assignment",
            Medium,
            &[
                "secret", "token", "credential", "auth", "apikey", "api_key", "api-key", "api.key",
                "accesskey", "access_key", "access-key", "access.key", "privatekey", "private_key",
                "private-key", "private.key", "signingkey", "signing_key", "signing-key",
                "signing.key", "encryptionkey", "encryption_key", "encryption-key",
                "encryption.key", "masterkey", "master_key", "master-key", "master.key", "keybase",
                "key_base", "key-base", "key.base",
            ],
            &assignment(
                r"secret|token|api[_.\-]?key|access[_.\-]?key|auth[_.\-]?key|private[_.\-]?key|signing[_.\-]?key|encryption[_.\-]?key|master[_.\-]?key|key[_.\-]?base|credentials?|auth",
                r"[A-Za-z0-9+/=_.~\-]",
            ),
        )
        .group()
        .check(Check::GenericSecret)
        .entropy(3.5)
        .generic(),
    ];
    rules.into_iter().map(|b| b.0).collect()
}

/// Built-in global allow rules (paths where vendored code, docs and tests live), with Trivy's
/// IDs so `disable-allow-rules` keeps working. Unlike Trivy's `examples` rule this one allows
/// by path only: example credentials are reported at LOW severity instead of dropped.
pub fn builtin_allow_rules() -> Vec<AllowRule> {
    let a = |id: &str, description: &str, path: &str| AllowRule {
        id: id.to_string(),
        description: description.to_string(),
        regex: None,
        path: Some(path.to_string()),
    };
    vec![
        a(
            "tests",
            "Test files and directories",
            r"(?i)(?:^|/)(?:tests?|testdata|__tests__|spec)/|(?:^|/)test[_.\-][^/]*$|[_.\-]tests?\.[a-z0-9]+$",
        ),
        a(
            "examples",
            "Example and sample directories",
            r"(?i)(?:^|/)(?:examples?|samples?)/",
        ),
        a("vendor", "Vendored dependencies", r"(?:^|/)vendor/"),
        a(
            "usr-dirs",
            "System directories (distribution files)",
            r"^usr/(?:share|include|lib)/",
        ),
        a("locale-dir", "Locale directories", r"(?:^|/)locales?/"),
        a("markdown", "Markdown files", r"\.md$"),
        a(
            "node.js",
            "Yarn installed by Node.js images",
            r"^opt/yarn-v[0-9.]+/",
        ),
        a("golang", "Go toolchain of Go images", r"^usr/local/go/"),
        a(
            "python",
            "Python standard library of Python images",
            r"^usr/local/lib/python[0-9.]+/",
        ),
        a("rubygems", "Ruby gems of Ruby images", r"^usr/lib/gems/"),
        a(
            "wordpress",
            "WordPress sources of WordPress images",
            r"^usr/src/wordpress/",
        ),
        a("anaconda-log", "Anaconda CI logs", r"^var/log/anaconda/"),
    ]
}
