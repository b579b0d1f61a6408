// Configuration errors are printed by --check-config and at startup, often into a journal: they must
// name the problem without repeating a password or token.
#include "conf/config.hpp"
#include "conf/redact_url.hpp"
#include "conf/redis_url.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace conf;

namespace {

std::string all_errors(const LoadResult& r) {
    std::string out;
    for (const auto& e : r.errors) out += e.to_string() + "\n";
    return out;
}

struct SecretDir {
    std::filesystem::path path;
    SecretDir() {
        std::string p = (std::filesystem::temp_directory_path() / "conf-secret-XXXXXX").string();
        REQUIRE(mkdtemp(p.data()));
        path = p;
    }
    ~SecretDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
};

}  // namespace

TEST_CASE("a redis url that does not parse is echoed with its password hidden") {
    auto r = load_string("[redis]\nurl = \"redis://bounce:Red1sPassw0rd@redis.internal:notaport/0\"\n");
    const std::string errors = all_errors(r);
    INFO(errors);
    REQUIRE_FALSE(r.config);
    CHECK(errors.find("redis://bounce:***@redis.internal:notaport/0") != std::string::npos);
    CHECK(errors.find("Red1sPassw0rd") == std::string::npos);

    r = load_string("[redis]\nurl = \"rediss://Red1sPassw0rd@redis.internal\"\n");  // TLS is refused, still hidden
    CHECK_FALSE(r.config);
    CHECK(all_errors(r).find("Red1sPassw0rd") == std::string::npos);
}

TEST_CASE("a listmonk url carrying credentials is refused without repeating them") {
    auto r = load_string("[listmonk]\nurl = \"http://bounce-milter:Tok3nValue@listmonk.internal:9000\"\n"
                         "username = \"bounce-milter\"\ntoken = \"Tok3nValue\"\n");
    const std::string errors = all_errors(r);
    INFO(errors);
    REQUIRE_FALSE(r.config);
    CHECK(errors.find("without credentials") != std::string::npos);
    CHECK(errors.find("Tok3nValue") == std::string::npos);
}

TEST_CASE("errors in a section holding inline secrets never print the secrets") {
    auto r = load_string(R"([listmonk]
url = "http://127.0.0.1:9000"
username = "bounce-milter"
token = "Tok3nValue"
token_file = "also-a-token"
auth = "bearer"
timeout = "slow"
[hooks.postmark]
username = "hooks"
password = "PostmarkPassw0rd"
pasword = "PostmarkPassw0rd"
[hooks.mailgun]
signing_key = "Mailgun5igningKey"
max_age_seconds = 0
[hooks.brevo]
token = 42
)");
    const std::string errors = all_errors(r);
    INFO(errors);
    REQUIRE_FALSE(r.config);
    REQUIRE(r.errors.size() >= 6);  // each problem above is reported, so each message was looked at
    for (const char* secret : {"Tok3nValue", "PostmarkPassw0rd", "Mailgun5igningKey"}) {
        CHECK(errors.find(secret) == std::string::npos);
    }
}

TEST_CASE("a TOML syntax error on a secret's line does not print the secret") {
    auto r = load_string("[listmonk]\nurl = \"http://127.0.0.1:9000\"\ntoken = \"Tok3nValue\n");
    const std::string errors = all_errors(r);
    INFO(errors);
    REQUIRE_FALSE(r.config);
    CHECK(errors.find("Tok3nValue") == std::string::npos);
}

TEST_CASE("a secret file's content is never part of an error about it") {
    SecretDir dir;
    dir.write("big-token", std::string(70 * 1024, 'T'));
    auto path = dir.write("c.toml", "[listmonk]\nurl = \"http://127.0.0.1:9000\"\nusername = \"u\"\ntoken_file = \"" +
                                         (dir.path / "big-token").string() + "\"\n");
    auto r = load_file(path);
    INFO(all_errors(r));
    REQUIRE_FALSE(r.config);
    CHECK(all_errors(r).find("larger than 65536 bytes") != std::string::npos);
    CHECK(all_errors(r).find("TTTTTTTT") == std::string::npos);
}

TEST_CASE("a secret file that is a device or a directory is refused at once, not read forever") {
    SecretDir dir;
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& target : std::vector<std::string>{"/dev/zero", "/dev/urandom", dir.path.string()}) {
        auto path = dir.write("c.toml", "[hooks.brevo]\ntoken_file = \"" + target + "\"\n");
        auto r = load_file(path);
        INFO(all_errors(r));
        REQUIRE_FALSE(r.config);
        CHECK(r.errors.size() == 1);
        CHECK(r.errors[0].line == 2);
        CHECK(r.errors[0].message.find("not a regular file") != std::string::npos);
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("redact_url hides what the redis url parser would use as the password") {
    CHECK(redact_url("redis://user:pw@host:6379/0") == "redis://user:***@host:6379/0");
    CHECK(redact_url("redis://pw@host") == "redis://***@host");
    CHECK(redact_url("redis://:pw@[::1]:6379") == "redis://:***@[::1]:6379");
    CHECK(redact_url("redis://user:p@ss@host/1") == "redis://user:***@host/1");  // the last @ ends it
    CHECK(redact_url("redis://user:pw@host/db@x") == "redis://user:***@host/db@x");  // path @ is not userinfo
    CHECK(redact_url("user:pw@host:6379") == "user:***@host:6379");  // scheme forgotten: still hidden
    CHECK(redact_url("redis://host:6379/0") == "redis://host:6379/0");
    // An '@' past the first '/' may end a password holding a '/': hidden rather than guessed.
    CHECK(redact_url("http://host/x@y") == "http://***@y");
    CHECK(redact_url("redis://u:p/w@host/0") == "redis://u:***@host/0");
    // A '#' or '?' in a password written without percent-encoding (found by fuzz_redis_url): the
    // parser refuses such a url, and its error quotes the url redacted: all of the password hidden.
    CHECK(redact_url("redis://:pa#ss@host:6379") == "redis://:***@host:6379");
    CHECK(redact_url("redis://user:pa?ss@host/0") == "redis://user:***@host/0");
    CHECK(redact_url("redis://user:pa#ss?x@host/0#f") == "redis://user:***@host/0#***");
    CHECK(redact_url("redis://us?er:pw#x@host") == "redis://us?er:***@host");
    // The parser refuses them (RFC 3986 would read a query or fragment there), with the way out.
    for (const std::string url : {"redis://:pa#ss@host:6379", "redis://user:pa?ss@host/0", "redis://p#w@host",
                                  "redis://us%?Aer:p%40s#x@host9/0", "redis://host#\0\0"}) {
        std::string error;
        CHECK_FALSE(parse_redis_url(url, error));
        CHECK(error.find("%23") != std::string::npos);
    }
    std::string error;
    const auto encoded = parse_redis_url("redis://:pa%23ss@host:6379", error);
    REQUIRE(encoded);
    CHECK(encoded->password == "pa#ss");
}

TEST_CASE("an empty *_file is an error, not an empty secret") {
    auto r = load_string("[hooks.brevo]\ntoken_file = \"\"\n[hooks.mailgun]\nsigning_key_file = 7\n");
    INFO(all_errors(r));
    REQUIRE_FALSE(r.config);
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].line == 2);
    CHECK(r.errors[0].message.find("token_file must name a file") != std::string::npos);
    CHECK(r.errors[1].line == 4);
    CHECK(r.errors[1].message.find("signing_key_file must be a string") != std::string::npos);
}

TEST_CASE("check-config hides secrets in misspelt urls, query strings and fragments") {
    const std::vector<std::string> configs = {
        // "redis:/" and "redis//": no "://", so no authority to find the password in.
        "[redis]\nurl = \"redis:/bounce:Red1sPassw0rd@redis.internal/0\"\n",
        "[redis]\nurl = \"redis//bounce:Red1sPassw0rd@redis.internal/0\"\n",
        "[redis]\nurl = \"redis://bounce:Red1s/Passw0rd@redis.internal/0\"\n",
        "[redis]\nurl = \"redis://redis.internal:6379/0?password=Red1sPassw0rd\"\n",
        "[redis]\nurl = \"redis://redis.internal:6379/0#Red1sPassw0rd\"\n",
        "[redis]\nurl = \"redis://bounce:Red1s#Passw0rd@redis.internal/0\"\n",
        "[redis]\nurl = \"redis://bounce:Red1s?Passw0rd@redis.internal/0\"\n",
        "[listmonk]\nurl = \"htp://listmonk.internal:9000/?token=Red1sPassw0rd\"\nusername = \"u\"\ntoken = \"t\"\n",
        "[listmonk]\nurl = \"http//bounce:Red1sPassw0rd@listmonk.internal\"\nusername = \"u\"\ntoken = \"t\"\n",
        "[listmonk]\nurl = \"http://listmonk.internal:9000#Red1sPassw0rd\"\nusername = \"u\"\ntoken = \"t\"\n",
    };
    for (const auto& text : configs) {
        const auto r = load_string(text);
        const std::string errors = all_errors(r);
        INFO(text << "\n" << errors);
        CHECK_FALSE(r.config);  // every one of them is an error, so its url was printed
        CHECK(errors.find("Red1s") == std::string::npos);
        CHECK(errors.find("Passw0rd") == std::string::npos);
    }
    CHECK(redact_url("redis://h/0?password=pw&db=1#frag") == "redis://h/0?password=***&db=***#***");
    CHECK(redact_url("redis:/u:pw@h/0") == "***@h/0");
}

TEST_CASE("a secret file readable by every user is loaded with a warning naming it") {
    SecretDir dir;
    const auto token = dir.write("token", "Tok3nValue\n");
    auto path = dir.write("c.toml", "[listmonk]\nurl = \"http://127.0.0.1:9000\"\nusername = \"u\"\ntoken_file = \"" +
                                        token + "\"\n[file]\npath = \"" + (dir.path / "out.jsonl").string() + "\"\n");
    std::filesystem::permissions(token, std::filesystem::perms(0644));
    auto r = load_file(path);
    REQUIRE(r.config);
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].line == 4);
    CHECK(r.warnings[0].message.find("readable by every user") != std::string::npos);
    CHECK(r.warnings[0].message.find("Tok3nValue") == std::string::npos);
    std::filesystem::permissions(token, std::filesystem::perms(0640));
    CHECK(load_file(path).warnings.empty());
}
