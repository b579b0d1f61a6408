#include "conf/config.hpp"
#include "conf/redis_url.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace conf;

namespace {

// Finds the error on `line` whose message contains `text`.
bool has_error(const LoadResult& r, int line, const std::string& text) {
    for (const auto& e : r.errors) {
        if (e.line == line && e.message.find(text) != std::string::npos) return true;
    }
    return false;
}

std::string all_errors(const LoadResult& r) {
    std::string out;
    for (const auto& e : r.errors) out += e.to_string() + "\n";
    return out;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string p = (std::filesystem::temp_directory_path() / "conf-test-XXXXXX").string();
        REQUIRE(mkdtemp(p.data()));
        path = p;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

}  // namespace

TEST_CASE("a full milter config loads with every value") {
    auto r = load_string(R"(
[milter]
socket = "unix:/var/spool/postfix/bounce-milter/milter.sock"
bounce_addresses = ["Bounces@Lists.Example.com", "bounce@example.org"]
on_bounce = "tag"
on_error = "accept"
max_message_bytes = 262144
verp = "bounces+{subscriber_uuid}@lists.example.com"
forward_delayed = true
reason_types = { mailboxfull = "hard", blocked = "soft" }
socket_mode = "0660"
socket_group = "postfix"
source = "milter:mx1"

[outbox]
path = "/var/lib/bounce-milter/outbox.sqlite"
retry_initial = 0.5
retry_max = 60

[listmonk]
url = "https://listmonk.example.com"
username = "bounce-milter"
token = "abc"
auth = "basic"
timeout = 2.5

[redis]
url = "redis://user:pw@127.0.0.1:6380/3"
stream = "bounces"
maxlen = 0

[file]
path = "/var/log/bounces.jsonl"
fsync = false
)");
    INFO(all_errors(r));
    REQUIRE(r.errors.empty());
    REQUIRE(r.config);
    const auto& c = *r.config;
    REQUIRE(c.milter);
    CHECK(c.milter->socket == "unix:/var/spool/postfix/bounce-milter/milter.sock");
    CHECK(c.milter->bounce_addresses == std::vector<std::string>{"bounces@lists.example.com", "bounce@example.org"});
    CHECK(c.milter->on_bounce == OnBounce::tag);
    CHECK(c.milter->on_error == OnError::accept);
    CHECK(c.milter->max_message_bytes == 262144);
    CHECK(c.milter->forward_delayed);
    CHECK(c.milter->reason_types.at("mailboxfull") == "hard");
    CHECK(c.milter->source == "milter:mx1");
    CHECK(c.outbox.retry_initial == std::chrono::milliseconds(500));
    CHECK(c.outbox.retry_max == std::chrono::milliseconds(60000));
    REQUIRE(c.listmonk);
    CHECK(c.listmonk->auth == "basic");
    CHECK(c.listmonk->timeout == std::chrono::milliseconds(2500));
    REQUIRE(c.redis);
    CHECK(c.redis->maxlen == 0);
    REQUIRE(c.file);
    CHECK_FALSE(c.file->fsync);
    CHECK_FALSE(c.hooks);
    CHECK_FALSE(c.drain);
}

TEST_CASE("every error is reported, each with its line") {
    auto r = load_string(R"([milter]
socket = "tcp:8895"
on_bounce = "drop"
on_error = "reject"
max_message_bytes = "big"
bounce_addresses = ["Name <b@x.example>"]
verp = "bounces+{uuid}@x.example"
reason_types = { userunknwn = "hard", mailboxfull = "permanent" }
socket_mode = "rw"
sockt = "inet:1@x"

[listmonk]
url = "ftp://listmonk"
auth = "bearer"

[redis]
url = "http://127.0.0.1"

[outbox]
retry_initial = -1

[smtp]
x = 1
)",
                         "test.toml");
    REQUIRE_FALSE(r.config);
    INFO(all_errors(r));
    CHECK(has_error(r, 2, "socket 'tcp:8895'"));
    CHECK(has_error(r, 3, "on_bounce must be discard, accept or tag"));
    CHECK(has_error(r, 4, "on_error must be tempfail or accept"));
    CHECK(has_error(r, 5, "max_message_bytes must be an integer"));
    CHECK(has_error(r, 6, "not a bare address"));
    CHECK(has_error(r, 7, "unknown placeholder '{uuid}'"));
    CHECK(has_error(r, 8, "unknown reason 'userunknwn' (did you mean 'userunknown'?)"));
    CHECK(has_error(r, 8, "reason_types.mailboxfull must be"));
    CHECK(has_error(r, 9, "socket_mode"));
    CHECK(has_error(r, 10, "unknown key 'sockt' in [milter] (did you mean 'socket'?)"));
    CHECK(has_error(r, 13, "url 'ftp://listmonk'"));
    CHECK(has_error(r, 14, "auth must be"));
    CHECK(has_error(r, 12, "username is required"));
    CHECK(has_error(r, 12, "token is required (or token_file)"));
    CHECK(has_error(r, 17, "must start with redis://"));
    CHECK(has_error(r, 20, "retry_initial must be between"));
    CHECK(has_error(r, 22, "unknown section [smtp]"));
    CHECK(r.errors.size() == 17);
    CHECK(r.errors[0].to_string() == "test.toml:2: [milter] socket 'tcp:8895' has unknown socket type 'tcp' (unix, local, inet, inet6)");
}

TEST_CASE("forward_without_uuid and max_events_per_report: defaults, values and errors with their lines") {
    auto defaults = load_string("[milter]\n");
    REQUIRE(defaults.config);
    CHECK_FALSE(defaults.config->milter->forward_without_uuid);
    CHECK(defaults.config->milter->max_events_per_report == 5);

    auto set = load_string("[milter]\nforward_without_uuid = true\nmax_events_per_report = 2\n");
    INFO(all_errors(set));
    REQUIRE(set.config);
    CHECK(set.config->milter->forward_without_uuid);
    CHECK(set.config->milter->max_events_per_report == 2);

    auto bad = load_string("[milter]\nforward_without_uuid = \"yes\"\nmax_events_per_report = 0\n", "bad.toml");
    REQUIRE_FALSE(bad.config);
    INFO(all_errors(bad));
    CHECK(has_error(bad, 2, "forward_without_uuid must be true or false"));
    CHECK(has_error(bad, 3, "max_events_per_report must be between 1 and 100"));
    CHECK(has_error(load_string("[milter]\nmax_events_per_report = 101\n"), 2, "between 1 and 100"));
}

TEST_CASE("socket specs") {
    for (const char* ok : {"unix:/run/m.sock", "local:/run/m.sock", "inet:8895@127.0.0.1", "inet6:8895@[::1]",
                           "inet:8895@localhost"}) {
        INFO(ok);
        CHECK(load_string(std::string("[milter]\nsocket = \"") + ok + "\"\n").errors.empty());
    }
    // "inet:8895" is valid for libmilter but listens on every interface: refused (test_production_checks.cpp).
    for (const char* bad : {"unix:relative.sock", "inet:0@127.0.0.1", "inet:99999", "inet:@x", "inet:8895@", "/run/m.sock",
                            "inet:8895"}) {
        INFO(bad);
        CHECK_FALSE(load_string(std::string("[milter]\nsocket = \"") + bad + "\"\n").errors.empty());
    }
}

TEST_CASE("a TOML syntax error names its line") {
    auto r = load_string("[milter]\nsocket = \"inet:1@x\"\non_bounce = discard\n", "bad.toml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 3);
    CHECK(r.errors[0].to_string().rfind("bad.toml:3: TOML syntax error", 0) == 0);
}

TEST_CASE("secrets can be read from files (absolute paths)") {
    TempDir dir;
    dir.write("token", "s3cret\n");
    dir.write("empty", "");
    auto path = dir.write("c.toml", "[listmonk]\nurl = \"http://127.0.0.1:9000\"\nusername = \"u\"\ntoken_file = \"" +
                                         (dir.path / "token").string() + "\"\n");
    auto r = load_file(path);
    INFO(all_errors(r));
    REQUIRE(r.config);
    CHECK(r.config->listmonk->token == "s3cret");

    path = dir.write("d.toml", "[listmonk]\nurl = \"http://h\"\nusername = \"u\"\ntoken = \"x\"\ntoken_file = \"" +
                                   (dir.path / "token").string() + "\"\n[hooks.postmark]\nusername = \"u\"\npassword_file = \"" +
                                   (dir.path / "missing").string() + "\"\n[hooks.brevo]\ntoken_file = \"" +
                                   (dir.path / "empty").string() + "\"\n");
    r = load_file(path);
    INFO(all_errors(r));
    CHECK(has_error(r, 5, "either token or token_file"));
    CHECK(has_error(r, 8, "cannot read"));
    CHECK(has_error(r, 10, "is empty"));
}

TEST_CASE("hooks: unknown providers and keys a provider does not take are refused") {
    auto r = load_string(R"([hooks]
listen = "127.0.0.1:8025"
tls = true

[hooks.ses]
topic_arns = ["arn:aws:sns:us-east-1:123456789012:bounces"]
public_key = "x"

[hooks.sendgrid]
public_key = "MFkw"

[hooks.mailgun]
signing_key = "k"
password = "p"

[hooks.sengrid]
public_key = "x"

[hooks.postmark]
username = "u"
)");
    INFO(all_errors(r));
    REQUIRE_FALSE(r.config);
    CHECK(has_error(r, 3, "unknown key 'tls' in [hooks]"));
    CHECK(has_error(r, 7, "unknown key 'public_key' in [hooks.ses]"));
    CHECK(has_error(r, 14, "unknown key 'password' in [hooks.mailgun]"));
    CHECK(has_error(r, 16, "unknown provider [hooks.sengrid]"));
    CHECK(has_error(r, 16, "did you mean 'sendgrid'"));
    CHECK(has_error(r, 19, "[hooks.postmark] password is required"));
    CHECK(r.errors.size() == 5);
}

TEST_CASE("hooks: postal's bounced_as takes only soft or hard, and its key is required") {
    auto r = load_string(R"([hooks]
listen = "127.0.0.1:8025"
[hooks.postal]
bounced_as = "complaint"
)");
    INFO(all_errors(r));
    REQUIRE_FALSE(r.config);
    CHECK(has_error(r, 4, "bounced_as must be \"soft\" or \"hard\""));
    CHECK(has_error(r, 3, "[hooks.postal] public_key is required"));
}

TEST_CASE("hooks: every provider section with its keys loads") {
    auto r = load_string(R"([hooks]
listen = "127.0.0.1:8025"
max_body_bytes = 2097152
[hooks.ses]
topic_arns = ["arn:aws:sns:eu-west-1:123456789012:ses"]
cert_cache_dir = "/var/cache/certs"
[hooks.sendgrid]
public_key = "MFkw"
[hooks.postmark]
username = "u"
password = "p"
[hooks.mailgun]
signing_key = "k"
max_age_seconds = 600
[hooks.sparkpost]
username = "u"
password = "p"
[hooks.mailjet]
username = "u"
password = "p"
[hooks.brevo]
token = "t"
[hooks.mandrill]
key = "k"
url = "https://hooks.example.com/webhooks/service/mandrill"
[hooks.resend]
secret = "whsec_x"
[hooks.forwardemail]
key = "k"
[hooks.lettermint]
key = "k"
[hooks.azure]
secret = "s"
campaign_field = "X-Campaign"
[hooks.postal]
public_key = "MIIBIjAN"
bounced_as = "hard"
)");
    INFO(all_errors(r));
    REQUIRE(r.config);
    REQUIRE(r.config->hooks);
    CHECK(r.config->hooks->providers.size() == 13);
    CHECK(r.config->hooks->providers.at("postal").bounced_as == "hard");
    // Postal re-sends one webhook for about 36 minutes with its first timestamp.
    CHECK(r.config->hooks->providers.at("postal").max_age_seconds == 3600);
    CHECK(r.config->hooks->max_body_bytes == 2097152);
    CHECK(r.config->hooks->providers.at("mailgun").max_age_seconds == 600);
    CHECK(r.config->hooks->providers.at("ses").topic_arns.size() == 1);
    CHECK(r.config->hooks->providers.at("azure").campaign_field == "X-Campaign");
}

TEST_CASE("the shipped examples load with absolute paths; only their placeholder secrets are refused") {
    for (const char* name : {"bounce-milter.toml", "bounce-hooks.toml", "bounce-drain.toml"}) {
        INFO(name);
        auto r = load_file(std::string(CONF_EXAMPLES_DIR) + "/" + name);
        INFO(all_errors(r));
        for (const auto& e : r.errors) {
            CHECK(e.line > 0);
            CHECK(e.message.find("a placeholder ('change-me')") != std::string::npos);
        }
        std::ifstream in(std::string(CONF_EXAMPLES_DIR) + "/" + name);
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("path = ", 0) == 0) CHECK(line.rfind("path = \"/var/lib/bouncemilter/", 0) == 0);
        }
    }
    CHECK(load_file(std::string(CONF_EXAMPLES_DIR) + "/bounce-milter.toml").errors.empty());
}

TEST_CASE("the demo resolves its relative paths in the directory it is given, and nothing else may") {
    auto r = load_demo("/tmp/demo-dir");
    INFO(all_errors(r));
    REQUIRE(r.config);
    REQUIRE(r.config->milter);
    CHECK(r.config->milter->socket == "inet:8895@127.0.0.1");
    CHECK(r.config->outbox.path == "/tmp/demo-dir/bounce-outbox.sqlite");
    REQUIRE(r.config->file);
    CHECK(r.config->file->path == "/tmp/demo-dir/bounces.jsonl");
    CHECK_FALSE(r.config->listmonk);

    auto relative = load_string(embedded_demo(), "demo-as-a-file.toml");
    REQUIRE(relative.errors.size() == 2);
    CHECK(relative.errors[0].to_string().rfind("demo-as-a-file.toml:", 0) == 0);
    CHECK(relative.errors[0].message.find("relative path") != std::string::npos);
    CHECK(relative.errors[0].line > 0);
}

TEST_CASE("redis URLs") {
    std::string error;
    auto ep = parse_redis_url("redis://user:p%40ss@10.0.0.1:6380/4", error);
    REQUIRE(ep);
    CHECK(ep->host == "10.0.0.1");
    CHECK(ep->port == 6380);
    CHECK(ep->username == "user");
    CHECK(ep->password == "p@ss");
    CHECK(ep->db == 4);
    ep = parse_redis_url("redis://secret@localhost", error);
    REQUIRE(ep);
    CHECK(ep->username.empty());
    CHECK(ep->password == "secret");
    CHECK(ep->port == 6379);
    ep = parse_redis_url("redis://[::1]:7000/0", error);
    REQUIRE(ep);
    CHECK(ep->host == "::1");
    CHECK(ep->port == 7000);
    CHECK_FALSE(parse_redis_url("rediss://h", error));
    CHECK_FALSE(parse_redis_url("redis://h:port", error));
    CHECK_FALSE(parse_redis_url("redis://h/db", error));
}

TEST_CASE("a missing file is an error, not a crash") {
    auto r = load_file("/nonexistent/bounce.toml");
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 0);
    CHECK(r.errors[0].to_string() == "/nonexistent/bounce.toml: cannot read the configuration file");
}
