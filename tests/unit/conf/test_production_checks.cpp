// The checks that keep a configuration from losing data or opening the service (issue 15): no sink,
// relative paths, a milter socket reachable from the network, placeholder secrets, and the machine
// checks (directories that must exist, users that must be known).
#include "conf/config.hpp"
#include "conf/environment.hpp"
#include "conf/secret_placeholder.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace conf;

namespace {

bool has_error(const std::vector<ConfigError>& errors, int line, const std::string& text) {
    for (const auto& e : errors) {
        if (e.line == line && e.message.find(text) != std::string::npos) return true;
    }
    return false;
}

std::string all_errors(const std::vector<ConfigError>& errors) {
    std::string out;
    for (const auto& e : errors) out += e.to_string() + "\n";
    return out;
}

const std::string kSink = "\n[file]\npath = \"/tmp/events.jsonl\"\n";

}  // namespace

TEST_CASE("a configuration without a sink is refused for programs that write the outbox") {
    auto r = load_string("[milter]\nsocket = \"inet:8895@127.0.0.1\"\n[outbox]\npath = \"/tmp/o.sqlite\"\n", "nosink.toml");
    INFO(all_errors(r.errors));
    REQUIRE(r.config);
    const auto problems = environment_problems(*r.config);
    REQUIRE(problems.size() == 1);
    CHECK(problems.front().to_string().rfind("nosink.toml:1: no sink configured", 0) == 0);
    CHECK(environment_problems(*r.config, {false, ""}).empty());  // bounce-drain: its own requirements
}

TEST_CASE("relative paths are errors naming their line") {
    auto r = load_string("[outbox]\npath = \"bounce-outbox.sqlite\"\n\n[file]\npath = \"out/events.jsonl\"\n", "rel.toml");
    INFO(all_errors(r.errors));
    CHECK(has_error(r.errors, 2, "[outbox] path 'bounce-outbox.sqlite' is a relative path"));
    CHECK(has_error(r.errors, 5, "[file] path 'out/events.jsonl' is a relative path"));
    auto token = load_string("[listmonk]\nurl = \"http://127.0.0.1:9000\"\nusername = \"u\"\ntoken_file = \"token\"\n");
    CHECK(has_error(token.errors, 4, "token_file 'token' is a relative path"));
    auto socket = load_string("[milter]\nsocket = \"unix:milter.sock\"\n" + kSink);
    CHECK(has_error(socket.errors, 2, "needs an absolute path"));
    CHECK(load_string("[outbox]\npath = \"/var/lib/bouncemilter/o.sqlite\"\n" + kSink).errors.empty());
}

TEST_CASE("an inet milter socket must name a non-wildcard address unless allow_remote_mta") {
    for (const char* socket : {"inet:18899", "inet:18899@0.0.0.0", "inet6:18899@::", "inet6:18899@[::]"}) {
        INFO(socket);
        auto r = load_string("[milter]\nsocket = \"" + std::string(socket) + "\"\n" + kSink);
        CHECK(has_error(r.errors, 2, "listens on every interface"));
        auto allowed = load_string("[milter]\nsocket = \"" + std::string(socket) + "\"\nallow_remote_mta = true\n" + kSink);
        INFO(all_errors(allowed.errors));
        CHECK(allowed.errors.empty());
    }
    for (const char* socket : {"inet:8895@127.0.0.1", "inet:8895@192.0.2.10", "inet6:8895@::1", "unix:/run/m.sock"}) {
        INFO(socket);
        auto r = load_string("[milter]\nsocket = \"" + std::string(socket) + "\"\n" + kSink);
        INFO(all_errors(r.errors));
        CHECK(r.errors.empty());
    }
    CHECK(remote_exposure("inet:8895").find("no address") != std::string::npos);
    CHECK(remote_exposure("inet:8895@localhost").empty());
}

TEST_CASE("placeholder and empty secrets are refused where they are written") {
    auto r = load_string(R"([listmonk]
url = "http://127.0.0.1:9000"
username = "bounce-milter"
token = "change-me"

[hooks.postmark]
username = "hooks"
password = "CHANGE_ME"

[hooks.mailgun]
signing_key = "<your signing key>"

[redis]
url = "redis://:changeme@127.0.0.1:6379/0"
)");
    INFO(all_errors(r.errors));
    CHECK(has_error(r.errors, 4, "token is a placeholder"));
    CHECK(has_error(r.errors, 8, "password is a placeholder"));
    CHECK(has_error(r.errors, 11, "signing_key is a placeholder"));
    CHECK(has_error(r.errors, 14, "placeholder password"));
    // The password must never be echoed in full, even a placeholder one.
    CHECK(all_errors(r.errors).find("redis://:changeme@") == std::string::npos);

    auto empty = load_string("[listmonk]\nurl = \"http://127.0.0.1:9000\"\nusername = \"u\"\ntoken = \"\"\n");
    CHECK_FALSE(empty.errors.empty());

    for (const char* placeholder : {"change-me", "changeme", "Change Me!", "xxxx", "...", "MFkw...", "${TOKEN}", "secret", " "})
        CHECK(secret_is_placeholder(placeholder));
    for (const char* real : {"k", "s3cr3t-9f2c", "whsec_x", "7c0c1bd2e4a94d6b", "x"})
        CHECK_FALSE(secret_is_placeholder(real));
}

TEST_CASE("environment checks: missing directories and unknown users, each with its line") {
    std::string dir = (std::filesystem::temp_directory_path() / "env-test-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()));
    const std::string text = "[milter]\nsocket = \"unix:" + dir + "/missing/m.sock\"\nuser = \"no-such-user-bm15\"\n"
                             "socket_group = \"no-such-group-bm15\"\n\n[outbox]\npath = \"" + dir +
                             "/nope/outbox.sqlite\"\n\n[file]\npath = \"" + dir + "/events.jsonl\"\n";
    auto r = load_string(text, "env.toml");
    INFO(all_errors(r.errors));
    REQUIRE(r.config);
    const auto problems = environment_problems(*r.config);
    INFO(all_errors(problems));
    CHECK(problems.size() == 4);
    CHECK(has_error(problems, 7, "does not exist (the package creates /var/lib/bouncemilter)"));
    CHECK(has_error(problems, 2, "/missing does not exist"));
    CHECK(has_error(problems, 3, "user 'no-such-user-bm15' does not exist"));
    CHECK(has_error(problems, 4, "socket_group 'no-such-group-bm15' does not exist"));
    CHECK(problems.front().to_string().rfind("env.toml:", 0) == 0);
    // bounce-drain writes no outbox: its missing directory is not its problem. --socket replaces the file's.
    CHECK(environment_problems(*r.config, {false, "inet:8895@127.0.0.1"}).size() == 2);

    const std::string good = "[milter]\nsocket = \"unix:" + dir + "/m.sock\"\nuser = \"root\"\n\n[outbox]\npath = \"" + dir +
                             "/outbox.sqlite\"\n\n[file]\npath = \"" + dir + "/events.jsonl\"\n";
    auto ok = load_string(good);
    REQUIRE(ok.config);
    CHECK(environment_problems(*ok.config).empty());
    std::filesystem::remove_all(dir);
}
