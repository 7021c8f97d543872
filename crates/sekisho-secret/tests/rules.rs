//! Per-rule true and false positives for every built-in rule.
//!
//! Samples are templates expanded with a deterministic PRNG (`{an:36}` = 36 random alphanumerics,
//! see tests/common), so no live-looking credential is written in this file.

mod common;

use common::expand;
use sekisho_secret::{builtin_rules, Scanner, SecretFinding};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

struct Case {
    rule: &'static str,
    path: &'static str,
    tp: &'static [&'static str],
    fp: &'static [&'static str],
}

const CFG: &str = "srv/app/settings.conf";

const fn c(rule: &'static str, tp: &'static [&'static str], fp: &'static [&'static str]) -> Case {
    Case {
        rule,
        path: CFG,
        tp,
        fp,
    }
}

const fn cp(
    rule: &'static str,
    path: &'static str,
    tp: &'static [&'static str],
    fp: &'static [&'static str],
) -> Case {
    Case { rule, path, tp, fp }
}

fn cases() -> Vec<Case> {
    vec![
        // AWS
        c(
            "aws-access-key-id",
            &["aws_access_key_id = AKIA{UP:16}", r#""AccessKeyId": "ASIA{UP:16}","#, "export AWS_ACCESS_KEY_ID=AKIA{UP:16}"],
            &[
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB+AKIA{UP:16}/wAAAABJRU5ErkJggg==",
                "AKIA{UP:10}",
                "XAKIA{UP:16}",
            ],
        ),
        c(
            "aws-secret-access-key",
            &[
                "aws_secret_access_key = {b64:40}",
                "AWS_SECRET_ACCESS_KEY=\"{b64:40}\"",
                "secretAccessKey: {b64:40}",
            ],
            &["aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}", "aws_secret_access_key = {b64:39}", "aws_secret_access_key = xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
        ),
        // GitHub
        c("github-pat", &["token: ghp_{an:36}", "https://ghp_{an:36}@github.com/org/repo.git"], &["ghp_{an:30}", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ghp_{an:36}_suffix"]),
        c("github-oauth", &["gho_{an:36}"], &["gho_{an:35}", "xgho_{an:36}"]),
        c("github-app-token", &["ghs_{an:36}", "ghu_{an:36}"], &["ghs_{an:36}_suffix", "ghx_{an:36}"]),
        c("github-refresh-token", &["ghr_{an:76}"], &["ghr_{an:20}"]),
        c("github-fine-grained-pat", &["github_pat_{an:22}_{an:59}"], &["github_pat_{an:22}", "github_pat_{an:22}_{an:20}"]),
        // GitLab
        c("gitlab-pat", &["glpat-{url:20}", "LABEL deploy-token=glpat-{an:20}"], &["glpat-{url:10}", "glpat-xxxxxxxxxxxxxxxxxxxx"]),
        c("gitlab-deploy-token", &["gldt-{url:20}"], &["gldt-abc"]),
        c("gitlab-runner-token", &["glrt-{url:20}"], &["glrt-${RUNNER_TOKEN}"]),
        c("gitlab-pipeline-trigger-token", &["glptt-{hex:40}"], &["glptt-{hex:20}"]),
        c("gitlab-runner-registration-token", &["GR1348941{url:20}"], &["GR1348941 is the prefix", "GR1348941{url:5}"]),
        // AI platforms
        c("hugging-face-access-token", &["HF_TOKEN=hf_{an:34}"], &["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", "hf_hub_download(repo)"]),
        c("openai-api-key", &["sk-proj-{url:74}T3BlbkFJ{url:74}", "OPENAI_API_KEY=sk-{an:20}T3BlbkFJ{an:20}"], &["sk-{an:48}", "sk-T3BlbkFJ"]),
        c("anthropic-api-key", &["sk-ant-api03-{url:93}AA"], &["sk-ant-api03-short", "sk-ant-"]),
        c("groq-api-key", &["gsk_{an:52}"], &["gsk_{an:20}"]),
        // Keys with structure
        c(
            "private-key",
            &[
                "-----BEGIN RSA PRIVATE KEY-----\n{b64:64}\n{b64:64}\n{b64:64}\n{b64:64}\n{b64:40}==\n-----END RSA PRIVATE KEY-----\n",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n{b64:70}\n{b64:70}\n{b64:20}\n-----END OPENSSH PRIVATE KEY-----",
                r#"{"private_key": "-----BEGIN PRIVATE KEY-----\n{b64:64}\n{b64:64}\n{b64:30}=\n-----END PRIVATE KEY-----\n"}"#,
                "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{HEX:32}\n\n{b64:64}\n{b64:64}\n-----END EC PRIVATE KEY-----",
                "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n{b64:64}\n{b64:64}\n=ab12\n-----END PGP PRIVATE KEY BLOCK-----",
            ],
            &[
                "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
                r#"pem = "-----BEGIN PRIVATE KEY-----\n" + key + "\n-----END PRIVATE KEY-----""#,
                "-----BEGIN PUBLIC KEY-----\n{b64:64}\n{b64:64}\n-----END PUBLIC KEY-----",
                "-----BEGIN PRIVATE KEY-----\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n-----END PRIVATE KEY-----",
                "if line.startswith('-----BEGIN RSA PRIVATE KEY-----'):",
            ],
        ),
        c(
            "base64-private-key",
            &["users:\n- name: admin\n  user:\n    client-key-data: {pem64}\n"],
            &["client-certificate-data: {pub64}", "LS0tLS1CRUdJT{b64:200}"],
        ),
        c(
            "jwt-token",
            &["Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.{url:43}"],
            &["eyJub3QiOiJqd3QifQ.eyJzdWIiOiJ4In0.{url:43}", "eyJ{an:20}.eyJ{an:20}.{an:20}", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"],
        ),
        c("age-secret-key", &["AGE-SECRET-KEY-1{b32:58}"], &["AGE-SECRET-KEY-1{b32:20}"]),
        // Google / Azure
        c(
            "gcp-service-account",
            &[r#"{"type": "service_account", "project_id": "proj", "private_key_id": "{hex:40}", "client_email": "svc@proj.iam.gserviceaccount.com"}"#],
            &[r#""private_key_id": "{hex:20}""#, r#""private_key_id": "${KEY_ID}""#],
        ),
        c("gcp-api-key", &["GOOGLE_API_KEY=AIza{url:35}"], &["AIza{url:20}"]),
        c(
            "azure-ad-client-secret",
            &["client_secret={an:3}8Q~{url:34}", "\"CLIENT_SECRET\": \"{an:3}7Q~{an:31}\""],
            &["client_secret=bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"],
        ),
        c(
            "azure-storage-account-key",
            &["DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={b64:86}==;EndpointSuffix=core.windows.net"],
            &["AccountKey=<your-key>", "AccountKey={b64:40}=="],
        ),
        c(
            "azure-sas-token",
            &["https://acct.blob.core.windows.net/c/b?sv=2021-06-08&ss=b&srt=sco&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig={an:43}%3D"],
            &["https://acct.blob.core.windows.net/c/b?sv=2021-06-08&sig=short", "?sig={an:43}%3D without a version"],
        ),
        // Chat and collaboration
        c("slack-access-token", &["SLACK_BOT_TOKEN=xoxb-{d:12}-{d:13}-{an:24}", "xoxp-{d:12}-{d:12}-{d:12}-{hex:32}"], &["xoxb-your-token-here", "xoxb-"]),
        c("slack-app-token", &["xapp-1-A{UP:10}-{d:13}-{hex:64}"], &["xapp-1-XXXX"]),
        c(
            "slack-web-hook",
            &["curl -X POST https://hooks.slack.com/services/T{UP:10}/B{UP:10}/{an:24}"],
            &["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/"],
        ),
        c("discord-api-token", &["DISCORD_API_TOKEN = \"{ah:64}\""], &["discord_token = \"${DISCORD_TOKEN}\"", "discord_token = \"{ah:20}\""]),
        c("discord-client-id", &["discord_client_id: '{d:18}'"], &["discord_client_id: '{d:10}'"]),
        c("discord-client-secret", &["discord_client_secret = \"{lo:32}\""], &["discord_client_secret = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""]),
        c("telegram-bot-token", &["TELEGRAM_TOKEN={d:10}:AA{url:33}"], &["{d:10}:AAxxxx", "12:AA{url:33}"]),
        c("atlassian-api-token", &["JIRA_API_TOKEN = \"{lo:24}\"", "ATATT3{url:180}"], &["jira_token = \"abc\"", "ATATT3short"]),
        c("asana-client-id", &["asana_client_id = \"{d:16}\""], &["asana_client_id = \"{d:10}\""]),
        c("asana-client-secret", &["asana_secret: '{lo:32}'"], &["asana_secret: '{lo:31}'"]),
        c("linear-api-token", &["lin_api_{an:40}"], &["lin_api_{an:10}"]),
        c("linear-client-secret", &["LINEAR_CLIENT_SECRET=\"{hex:32}\""], &["linear_secret = \"{hex:16}\""]),
        c("intercom-api-token", &["intercom_token = \"{lo:60}\""], &["intercom_token = \"short\""]),
        c("intercom-client-secret", &["intercom_client_secret: \"{uuid}\""], &["intercom_id: \"not-a-uuid\""]),
        c("typeform-api-token", &["tfp_{url:59}"], &["tfp_{url:10}"]),
        c("twitch-api-token", &["twitch_api_key = \"{lo:30}\""], &["twitch_url = \"https://twitch.tv\""]),
        c("linkedin-client-secret", &["linkedin_secret = \"{az:16}\""], &["linkedin_secret = \"{az:8}\""]),
        c("linkedin-client-id", &["linkedin_client_id = \"{lo:14}\""], &["linkedin_client_id = \"{lo:5}\""]),
        c("facebook-token", &["facebook_app_secret = \"{hex:32}\""], &["facebook_url = \"https://facebook.com/x\""]),
        c("twitter-token", &["twitter_secret = \"{hex:40}\""], &["twitter_handle = \"@someone\""]),
        // Payments / commerce
        c("stripe-publishable-token", &["pk_live_{an:24}"], &["pk_live_{an:4}"]),
        c("stripe-secret-token", &["STRIPE_KEY=sk_live_{an:24}"], &["sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_{an:4}"]),
        c("stripe-restricted-key", &["rk_live_{an:24}"], &["rk_live_{an:5}"]),
        c("shopify-token", &["shpat_{hex:32}"], &["shpat_{hex:10}"]),
        c("square-access-token", &["sq0atp-{url:22}", "sq0csp-{url:43}"], &["sq0atp-short"]),
        c("flutterwave-public-key", &["FLWSECK_TEST-{ah:32}-X"], &["FLWSECK_TEST-{ah:10}-X"]),
        c("flutterwave-enc-key", &["FLWSECK_TEST{ah:12}"], &["FLWSECK_TEST{ah:5}"]),
        c("gocardless-api-token", &["GOCARDLESS_TOKEN = \"live_{url:40}\""], &["mode = \"live_stream_enabled\""]),
        c("duffel-api-token", &["duffel_test_{url:43}"], &["duffel_test_{url:5}"]),
        c("easypost-api-token", &["EZAK{an:54}"], &["EZAK{an:10}"]),
        c("shippo-api-token", &["shippo_live_{hex:40}"], &["shippo_live_{hex:10}"]),
        c("finicity-client-secret", &["finicity_secret = \"{lo:20}\""], &["finicity_secret = \"{lo:8}\""]),
        c("finicity-api-token", &["finicity_token = \"{hex:32}\""], &["finicity_token = \"{hex:16}\""]),
        // Package registries
        c("npm-access-token", &["//registry.npmjs.org/:_authToken=npm_{an:36}"], &["npm_{an:20}", "npm_config_cache=/tmp/cache"]),
        c("pypi-upload-token", &["password = pypi-AgEIcHlwaS5vcmc{url:70}"], &["pypi-AgEIcHlwaS5vcmc"]),
        c("rubygems-api-token", &["rubygems_{hex:48}"], &["rubygems_version = 3"]),
        c("clojars-api-token", &["CLOJARS_{an:60}"], &["CLOJARS_USERNAME"]),
        c("private-packagist-token", &["packagist_uut_{hex:68}"], &["packagist_uut_{hex:8}"]),
        c("dockerhub-pat", &["docker login -u me -p dckr_pat_{url:27}"], &["dckr_pat_{url:8}"]),
        c("dockerconfig-secret", &[".dockerconfigjson: eyJ{b64:60}"], &[".dockerconfigjson: {{ .Values.cfg }}"]),
        c(
            "docker-config-auth",
            &[r#"{"auths":{"registry.internal":{"auth":"ZGVwbG95OlE3eCFtQjJ6Szl2UnQ0THc="}}}"#],
            &[r#"{"auths":{"r":{"auth":"bm90LWJhc2U2NC11c2VycGFzcw=="}}}"#, r#"{"auth": ""}"#],
        ),
        // Cloud / infrastructure platforms
        c("heroku-api-key", &["HEROKU_API_KEY = \"{uuid}\"", "HRKU-{url:60}"], &["heroku_app = \"my-app\""]),
        c("digitalocean-token", &["dop_v1_{hex:64}"], &["dop_v1_{hex:10}"]),
        c("hashicorp-tf-api-token", &["token = \"{an:14}.atlasv1.{url:67}\""], &["x.atlasv1.y"]),
        c("hashicorp-vault-token", &["VAULT_TOKEN=hvs.{url:90}"], &["hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "hvs.short"]),
        c("databricks-api-token", &["dapi{ah:32}"], &["dapi{ah:10}", "dapiClient"]),
        c("doppler-api-token", &["dp.pt.{an:43}"], &["dp.pt.{an:10}"]),
        c("dynatrace-api-token", &["dt0c01.{UP:24}.{an:64}"], &["dt0c01.{UP:5}"]),
        c("fastly-api-token", &["FASTLY_API_TOKEN = \"{url:32}\""], &["fastly_token = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""]),
        c("grafana-api-token", &["eyJrIjoi{url:80}"], &["eyJrIjoi{url:10}"]),
        c("grafana-cloud-api-token", &["glc_{an:60}"], &["glc_{an:10}"]),
        c("grafana-service-account-token", &["glsa_{an:32}_{hex:8}"], &["glsa_{an:10}"]),
        c("new-relic-user-api-key", &["NRAK-{UP:27}"], &["NRAK-{UP:10}"]),
        c("new-relic-user-api-id", &["NEW_RELIC_API_ID = \"{UP:64}\""], &["new_relic_id = \"{UP:10}\""]),
        c("new-relic-browser-api-token", &["NRJS-{hex:19}"], &["NRJS-{hex:5}"]),
        c("planetscale-password", &["pscale_pw_{url:43}"], &["pscale_pw_{url:5}"]),
        c("planetscale-api-token", &["pscale_tkn_{url:43}"], &["pscale_tkn_x"]),
        c("pulumi-api-token", &["pul-{hex:40}"], &["pul-{hex:20}"]),
        c("postman-api-token", &["PMAK-{hex:24}-{hex:34}"], &["PMAK-{hex:24}"]),
        c("sentry-auth-token", &["sntrys_{an:80}", "sntryu_{hex:64}"], &["sntrys_short"]),
        c("frameio-api-token", &["fio-u-{url:64}"], &["fio-u-{url:10}"]),
        c("beamer-api-token", &["beamer_token = \"b_{url:44}\""], &["beamer_token = \"b_short\""]),
        c("contentful-delivery-api-token", &["CONTENTFUL_DELIVERY_TOKEN = \"{url:43}\""], &["contentful_space = \"abc\""]),
        c("hubspot-api-token", &["hubspot_api_key = \"{uuid}\""], &["hubspot_api_key = \"00000000-0000-0000-0000-000000000000\""]),
        c("ionic-api-token", &["ionic_token = \"ion_{lo:42}\""], &["ionic_token = \"ion_x\""]),
        c("adobe-client-id", &["ADOBE_CLIENT_ID = \"{hex:32}\""], &["adobe_client_id = \"{hex:8}\""]),
        c("adobe-client-secret", &["p8e-{an:32}"], &["p8e-{an:8}"]),
        c("alibaba-access-key-id", &["LTAI{an:20}"], &["LTAI{an:10}"]),
        c("alibaba-secret-key", &["alibaba_secret = \"{lo:30}\""], &["alibaba_secret = \"{lo:10}\""]),
        c("bitbucket-client-id", &["bitbucket_client_id = \"{lo:32}\""], &["bitbucket_url = \"https://bitbucket.org\""]),
        c("bitbucket-client-secret", &["bitbucket_secret = \"{url:64}\""], &["bitbucket_secret = \"{url:10}\""]),
        c("dropbox-api-secret", &["dropbox_app_secret = \"{lo:15}\""], &["dropbox_app_secret = \"{lo:5}\""]),
        c("dropbox-short-lived-api-token", &["dropbox_token = \"sl.{url:135}\""], &["dropbox_token = \"sl.short\""]),
        c("dropbox-long-lived-api-token", &["dropbox_token = \"{lo:11}AAAAAAAAAA{url:43}\""], &["dropbox_token = \"{lo:11}AAAAAAAAAA\""]),
        c("lob-api-key", &["LOB_API_KEY = \"live_{hex:35}\""], &["global_key = \"live_{hex:35}\"", "lob_key = \"live_{hex:10}\""]),
        c("lob-pub-api-key", &["lob_publishable_key: 'test_pub_{hex:31}'"], &["blob_key: 'test_pub_{hex:31}'"]),
        c("mailchimp-api-key", &["mailchimp_api_key = \"{hex:32}-us20\""], &["mailchimp_api_key = \"{hex:32}\""]),
        c("mailgun-token", &["mailgun_api_key = \"key-{hex:32}\""], &["mailgun_api_key = \"key-short\""]),
        c("mailgun-signing-key", &["mailgun_signing_key = \"{ah:32}-{ah:8}-{ah:8}\""], &["mailgun_signing_key = \"{ah:32}\""]),
        c("mapbox-api-token", &["pk.eyJ{url:60}.{url:22}"], &["pk.eyJ1Ijoi", "sk.{az:45}.{az:22}"]),
        c("messagebird-api-token", &["messagebird_key = \"{lo:25}\""], &["messagebird_key = \"{lo:5}\""]),
        c("messagebird-client-id", &["MESSAGEBIRD_CLIENT_ID = \"{uuid}\""], &["MESSAGEBIRD_CLIENT_ID = \"not-a-uuid\""]),
        c("sendgrid-api-token", &["SG.{url:22}.{url:43}"], &["SG.{url:10}"]),
        c("sendinblue-api-token", &["xkeysib-{hex:64}-{an:16}"], &["xkeysib-{hex:10}"]),
        c("twilio-api-key", &["TWILIO_API_KEY=SK{hex:32}"], &["DISK{hex:32}", "SK00000000000000000000000000000000"]),
        // More platforms
        c("artifactory-api-key", &["AKCp{an:69}", "cmVmdGtuOjAxOj{an:50}"], &["AKCp{an:20}"]),
        c("flyio-access-token", &["FLY_API_TOKEN=fo1_{url:43}", "fm2_{b64:120}=="], &["fo1_{url:10}"]),
        c("prefect-api-token", &["pnu_{an:36}"], &["pnu_{an:10}"]),
        c("readme-api-token", &["rdme_{lo:70}"], &["rdme_{lo:10}"]),
        c("sourcegraph-access-token", &["sgp_{hex:16}_{hex:40}", "sgp_local_{hex:40}"], &["sgp_{hex:16}"]),
        c("infracost-api-token", &["ico-{an:32}"], &["ico-{an:8}", "favico-{an:32}"]),
        c("scalingo-api-token", &["tk-us-{url:48}"], &["tk-us-{url:10}"]),
        c("openshift-user-token", &["oc login --token=sha256~{url:43}"], &["sha256~{url:10}", "sha256:{hex:64}"]),
        c("1password-service-account-token", &["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{b64:300}"], &["ops_eyJ{b64:20}"]),
        c("harness-api-key", &["pat.{url:22}.{hex:24}.{an:20}"], &["pat.{url:22}.{hex:24}"]),
        c("cloudflare-origin-ca-key", &["v1.0-{hex:24}-{hex:146}"], &["v1.0-{hex:24}", "v1.0-beta"]),
        c("nuget-api-key", &["nuget push pkg.nupkg -k oy2{lo:43}"], &["oy2{lo:10}", "xoy2{lo:43}"]),
        c("yandex-api-key", &["AQVN{url:36}"], &["AQVN{url:10}"]),
        c("airtable-personal-access-token", &["pat{an:14}.{hex:64}"], &["pat{an:14}", "pattern.{hex:64}"]),
        c("datadog-access-token", &["DATADOG_API_KEY = \"{hex:32}\"", "dd_app_key: '{hex:40}'"], &["datadog_site = \"datadoghq.eu\""]),
        c("snyk-api-token", &["SNYK_TOKEN = \"{uuid}\""], &["snyk_org = \"my-org\""]),
        c("okta-access-token", &["okta_api_token = \"00{url:40}\""], &["okta_domain = \"dev-123.okta.com\""]),
        // Credentials in URLs and config files
        c(
            "database-url-credentials",
            &[
                "DATABASE_URL=postgres://app:{an:16}@db.internal:5432/app",
                "mongodb+srv://admin:{an:12}@cluster0.mongodb.net/db",
                "REDIS_URL=redis://:{an:20}@cache:6379/0",
                "amqp://guest:{an:10}@rabbit:5672/",
                "mysql+pymysql://root:{an:12}@localhost/db",
            ],
            &[
                "postgres://user:password@localhost/db",
                "postgres://${DB_USER}:${DB_PASS}@db/app",
                "postgres://localhost:5432/db",
                "mysql://root:****@host/db",
            ],
        ),
        c(
            "url-basic-auth",
            &["pip install --index-url https://deploy:{an:20}@pypi.internal/simple pkg"],
            &["https://user:pass@host/x", "http://[::1]:8080/path", "https://user@host/x", "see https://host:443/a@b"],
        ),
        c(
            "authorization-header",
            &["curl -H \"Authorization: Bearer {an:40}\" https://api.internal/v1", "Authorization: Basic ZGVwbG95OlE3eCFtQjJ6Szl2UnQ0THc="],
            &["curl -H \"Authorization: Bearer $TOKEN\" https://api", "Authorization: Bearer <token>", "authorization: bearer {az:30}"],
        ),
        cp(
            "netrc-password",
            "home/u/.netrc",
            &["machine api.internal\n  login deploy\n  password {an:16}\n", "machine h login u password {an:12}"],
            &["machine api.internal login deploy password ${NETRC_PASSWORD}"],
        ),
        cp("netrc-password", "etc/other.conf", &[], &["machine h login u password {an:12}"]),
        cp(
            "generic-password",
            "srv/app/.env",
            &["DB_PASSWORD=Xk9{an:10}", "MYSQL_ROOT_PASSWORD={an:16}", "ENV PASSWORD=hunter2-not-real", "export SMTP_PASS='{an:12}'"],
            &[
                "OLDPWD=/root",
                "PWD=/srv/app",
                "bypass={an:12}",
                "DB_PASSWORD=${DB_PASSWORD}",
                "DB_PASSWORD=",
                "password: \"your_password_here\"",
                "password = None",
                "base-passwd: no-debconf-config",
                "d_grpasswd='define'",
                "PASSWORD=changeme_password",
                "PasswordAuthentication yes",
                "'Test2::Event::Pass'    => '1.302103',",
                "$pass = '-anonymous@'",
            ],
        ),
        cp(
            "generic-password",
            "srv/app/settings.py",
            &["DATABASES = {'default': {'PASSWORD': '{an:14}'}}", "password = \"Tr0ub4dor&3\""],
            &[
                "password = get_password()",
                "password = self.password",
                "password = request.form['password']",
                "password=hunter2",
                "\"password\": \"string\",",
                "input(type=\"password\", placeholder=\"Password\")",
                "password = \"Enter your password\"",
            ],
        ),
        cp(
            "generic-api-key",
            "srv/app/.env",
            &["API_KEY={an:32}", "client_secret: \"{an:40}\"", "SECRET_KEY_BASE={hex:64}", "SESSION_SECRET={url:48}"],
            &[
                "token: ${TOKEN}",
                "API_KEY=xxxxxxxxxxxxxxxxxxxxxxxx",
                "auth: \"{az:20}\"",
                "secret_key = \"changeme\"",
                "token = config.api.token.value2",
                "session_token = \"<your-token>\"",
                "TOKEN_URL=https://auth.example.net/oauth2/token/v1",
                "api_key = 0000000000000000000000000000",
            ],
        ),
        cp(
            "generic-api-key",
            "srv/app/main.py",
            &["api_key = \"{an:32}\""],
            &["api_key = os.environ[\"API_KEY\"]", "token = get_token(user1)", "api_key = settings.api_key_v2"],
        ),
    ]
}

fn scan(scanner: &Scanner, path: &str, text: &str) -> Vec<SecretFinding> {
    scanner.scan(path, text.as_bytes())
}

/// Invariants every finding must satisfy.
fn check_finding(text: &str, f: &SecretFinding) {
    let secret = &text.as_bytes()[f.start_offset..f.end_offset];
    let secret = std::str::from_utf8(secret).unwrap();
    assert_eq!(f.secret_len, secret.len());
    assert_eq!(
        f.secret_sha256,
        hex::encode(Sha256::digest(secret.as_bytes()))
    );
    if secret.len() >= 4 {
        assert!(
            !f.secret_masked.contains(secret),
            "masked secret leaks: {f:?}"
        );
        assert!(!f.line_masked.contains(secret), "masked line leaks: {f:?}");
    }
    // At most 40% of the characters of a one-line secret are shown.
    if !secret.contains('\n') && !secret.starts_with("-----BEGIN") {
        let shown = f.secret_masked.chars().filter(|&c| c != '*').count();
        assert!(
            shown * 5 <= secret.chars().count() * 2,
            "too much shown: {f:?}"
        );
    }
    let line_start = text[..f.start_offset].rfind('\n').map_or(0, |i| i + 1);
    assert_eq!(
        f.start_line,
        text[..f.start_offset].matches('\n').count() + 1
    );
    assert_eq!(
        f.column,
        text[line_start..f.start_offset].chars().count() + 1
    );
    assert!(f.end_line >= f.start_line);
}

#[test]
fn every_builtin_rule_has_true_and_false_positives() {
    let ids: BTreeSet<String> = builtin_rules().into_iter().map(|r| r.id).collect();
    let cases = cases();
    let mut tp: BTreeSet<&str> = BTreeSet::new();
    let mut fp: BTreeSet<&str> = BTreeSet::new();
    for c in &cases {
        assert!(ids.contains(c.rule), "case for unknown rule {}", c.rule);
        if !c.tp.is_empty() {
            tp.insert(c.rule);
        }
        if !c.fp.is_empty() {
            fp.insert(c.rule);
        }
    }
    let missing_tp: Vec<_> = ids.iter().filter(|i| !tp.contains(i.as_str())).collect();
    let missing_fp: Vec<_> = ids.iter().filter(|i| !fp.contains(i.as_str())).collect();
    assert!(
        missing_tp.is_empty(),
        "rules without a true positive: {missing_tp:?}"
    );
    assert!(
        missing_fp.is_empty(),
        "rules without a false positive: {missing_fp:?}"
    );
}

#[test]
fn true_positives() {
    let scanner = Scanner::builtin();
    let mut failures = Vec::new();
    for c in cases() {
        for (i, t) in c.tp.iter().enumerate() {
            for seed in 0..3u64 {
                let text = expand(t, seed * 1000 + i as u64);
                let found = scan(&scanner, c.path, &text);
                for f in &found {
                    check_finding(&text, f);
                }
                if !found.iter().any(|f| f.rule_id == c.rule) {
                    failures.push(format!(
                        "{}: not found in {:?} (found {:?})",
                        c.rule,
                        text,
                        found.iter().map(|f| &f.rule_id).collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn false_positives() {
    let scanner = Scanner::builtin();
    let mut failures = Vec::new();
    for c in cases() {
        for (i, t) in c.fp.iter().enumerate() {
            for seed in 0..3u64 {
                let text = expand(t, seed * 1000 + i as u64);
                let found = scan(&scanner, c.path, &text);
                if found.iter().any(|f| f.rule_id == c.rule) {
                    failures.push(format!("{}: false positive on {:?}", c.rule, text));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Strings that look like secrets but are not: no rule may fire on them.
#[test]
fn lookalikes_fire_no_rule() {
    let scanner = Scanner::builtin();
    let samples = [
        "sha256:{hex:64}",
        "\"integrity\": \"sha512-{b64:86}==\",",
        "commit {hex:40}",
        "Merge: {hex:7} {hex:7}",
        "md5sum {hex:32}  file.tar.gz",
        "request_id = \"{uuid}\"",
        "id: {uuid}",
        "trace-id: {uuid}",
        "<img src=\"data:image/png;base64,{b64:400}\">",
        "background: url(data:image/gif;base64,{b64:200}==);",
        "golang.org/x/net v0.17.0 h1:{b64:43}=",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64:43} user@host",
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ{b64:300} user@host",
        "-----BEGIN CERTIFICATE-----\n{b64:64}\n{b64:64}\n-----END CERTIFICATE-----",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{b64:64}\n{b64:64}\n-----END PGP PUBLIC KEY BLOCK-----",
        "TOKEN=${TOKEN}",
        "api_key: <your-token>",
        "password: xxxx",
        "secret: \"xxxxxxxxxxxxxxxxxxxx\"",
        "export GITHUB_TOKEN=\"$GITHUB_TOKEN\"",
        "token = \"{{ .Values.token }}\"",
        "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
        "version: 1.2.3-{hex:8}",
        "checksum: {hex:64}",
        "docker pull registry.example.net/app@sha256:{hex:64}",
        "https://example.com/path?query=value&other=thing",
        "const keyboard = monkey.keys(); // passes the token through",
        "The password must be at least 8 characters long.",
        "PASS_MAX_DAYS\t99999",
        "#PasswordAuthentication yes",
        "auth       required   pam_unix.so nullok",
    ];
    let mut failures = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        for seed in 0..3u64 {
            let text = expand(s, seed * 1000 + i as u64);
            for path in ["srv/app/config.yaml", "srv/app/index.js", "etc/app.conf"] {
                let found = scan(&scanner, path, &text);
                if !found.is_empty() {
                    failures.push(format!(
                        "{path}: {:?} fired on {:?}",
                        found.iter().map(|f| &f.rule_id).collect::<Vec<_>>(),
                        text
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn one_finding_per_secret() {
    // The generic rules yield to the specific ones on the same span.
    let scanner = Scanner::builtin();
    for (t, rule) in [
        ("GITHUB_TOKEN=ghp_{an:36}", "github-pat"),
        ("AWS_SECRET_ACCESS_KEY={b64:40}", "aws-secret-access-key"),
        (
            "password = pypi-AgEIcHlwaS5vcmc{url:70}",
            "pypi-upload-token",
        ),
        (
            "DATABASE_URL=postgres://app:{an:16}@db:5432/app",
            "database-url-credentials",
        ),
        (
            "SLACK_TOKEN=xoxb-{d:12}-{d:13}-{an:24}",
            "slack-access-token",
        ),
    ] {
        let text = expand(t, 7);
        let found = scan(&scanner, "srv/.env", &text);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].rule_id, rule);
    }
}

/// Trivy's built-in secret rule IDs (pkg/fanal/secret/builtin-rules.go): every one exists here.
const TRIVY_RULE_IDS: &[&str] = &[
    "aws-access-key-id",
    "aws-secret-access-key",
    "github-pat",
    "github-oauth",
    "github-app-token",
    "github-refresh-token",
    "github-fine-grained-pat",
    "gitlab-pat",
    "hugging-face-access-token",
    "private-key",
    "shopify-token",
    "slack-access-token",
    "stripe-publishable-token",
    "stripe-secret-token",
    "pypi-upload-token",
    "gcp-service-account",
    "heroku-api-key",
    "slack-web-hook",
    "twilio-api-key",
    "age-secret-key",
    "facebook-token",
    "twitter-token",
    "adobe-client-id",
    "adobe-client-secret",
    "alibaba-access-key-id",
    "alibaba-secret-key",
    "asana-client-id",
    "asana-client-secret",
    "atlassian-api-token",
    "bitbucket-client-id",
    "bitbucket-client-secret",
    "beamer-api-token",
    "clojars-api-token",
    "contentful-delivery-api-token",
    "databricks-api-token",
    "discord-api-token",
    "discord-client-id",
    "discord-client-secret",
    "doppler-api-token",
    "dropbox-api-secret",
    "dropbox-short-lived-api-token",
    "dropbox-long-lived-api-token",
    "duffel-api-token",
    "dynatrace-api-token",
    "easypost-api-token",
    "fastly-api-token",
    "finicity-client-secret",
    "finicity-api-token",
    "flutterwave-public-key",
    "flutterwave-enc-key",
    "frameio-api-token",
    "gocardless-api-token",
    "grafana-api-token",
    "hashicorp-tf-api-token",
    "hubspot-api-token",
    "intercom-api-token",
    "intercom-client-secret",
    "ionic-api-token",
    "jwt-token",
    "linear-api-token",
    "linear-client-secret",
    "lob-api-key",
    "lob-pub-api-key",
    "mailchimp-api-key",
    "mailgun-token",
    "mailgun-signing-key",
    "mapbox-api-token",
    "messagebird-api-token",
    "messagebird-client-id",
    "new-relic-user-api-key",
    "new-relic-user-api-id",
    "new-relic-browser-api-token",
    "npm-access-token",
    "planetscale-password",
    "planetscale-api-token",
    "private-packagist-token",
    "postman-api-token",
    "pulumi-api-token",
    "rubygems-api-token",
    "sendgrid-api-token",
    "sendinblue-api-token",
    "shippo-api-token",
    "linkedin-client-secret",
    "linkedin-client-id",
    "twitch-api-token",
    "typeform-api-token",
    "dockerconfig-secret",
];

#[test]
fn every_trivy_builtin_rule_id_exists() {
    let ids: BTreeSet<String> = builtin_rules().into_iter().map(|r| r.id).collect();
    let missing: Vec<_> = TRIVY_RULE_IDS
        .iter()
        .filter(|i| !ids.contains(**i))
        .collect();
    assert!(missing.is_empty(), "missing Trivy rule IDs: {missing:?}");
    assert!(ids.len() > TRIVY_RULE_IDS.len());
}
