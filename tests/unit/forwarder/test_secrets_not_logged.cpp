// Credentials never reach the logs or the outbox's last_error, even when the other side echoes them:
// some proxies and debug pages print the request headers back in their error page.
#include "conf/config.hpp"
#include "forwarder/listmonk_sink.hpp"
#include "forwarder/pipeline.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <thread>

using namespace forwarder;
using namespace test_support;
using namespace std::chrono_literals;

namespace {

constexpr const char* kToken = "Tok3nValue-9f2c";
constexpr const char* kRedisPassword = "Red1sPassw0rd-77ab";

// An HTTP server on a free loopback port that answers every POST with `status` and a page quoting
// the request's Authorization header, like a misconfigured proxy.
class EchoingProxy {
public:
    explicit EchoingProxy(int status) {
        server_.Post(".*", [status](const httplib::Request& req, httplib::Response& res) {
            res.status = status;
            res.set_content("<html>Bad gateway. Your request had\nAuthorization: " + req.get_header_value("Authorization") +
                                "\nbody: " + req.body + "</html>",
                            "text/html");
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        REQUIRE(wait_until([this] { return server_.is_running(); }, 5s));
    }
    ~EchoingProxy() {
        server_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    httplib::Server server_;
    int port_ = 0;
    std::thread thread_;
};

Event one_event() {
    Event e;
    e.idempotency_key = "secret-test-1";
    e.email = "user@example.org";
    e.type = "hard";
    e.source = "bounce-milter";
    e.created_at = "2026-07-21T10:00:00Z";
    e.meta = {{"status", "5.1.1"}};
    return e;
}

// Sends everything written to stderr (where forwarder::log writes by default) to a file meanwhile.
class StderrCapture {
public:
    explicit StderrCapture(const std::string& path) : path_(path) {
        std::fflush(stderr);
        saved_ = dup(2);
        const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        dup2(fd, 2);
        close(fd);
    }
    ~StderrCapture() { restore(); }
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        dup2(saved_, 2);
        close(saved_);
        saved_ = -1;
    }
    std::string text() const { return read_file(path_); }

private:
    std::string path_;
    int saved_ = -1;
};

}  // namespace

TEST_CASE("listmonk sink: an error page echoing the Authorization header does not leak the token") {
    EchoingProxy proxy(502);
    for (const bool basic : {false, true}) {
        ListmonkSinkOptions o;
        o.url = proxy.url();
        o.username = "bounce-milter";
        o.token = kToken;
        o.basic_auth = basic;
        o.timeout = 5s;
        const auto r = ListmonkSink(o).deliver(one_event());
        INFO(r.reason);
        CHECK(r.kind == DeliveryResult::Kind::retry);
        CHECK(r.reason.find("***") != std::string::npos);  // the echo arrived, and was cut out
        CHECK(r.reason.find(kToken) == std::string::npos);
        CHECK(r.reason.find("Ym91bmNlLW1pbHRlcjpUb2szblZhbHVlLTlmMmM") == std::string::npos);  // base64 of user:token
        CHECK(r.reason.find('\n') == std::string::npos);  // one log line, not several
    }
}

TEST_CASE("pipeline: log lines about failing sinks name the problem, never the credentials") {
    TempDir dir;
    EchoingProxy proxy(401);
    const std::string toml = "[outbox]\npath = \"" + dir.file("o.sqlite") +
                             "\"\nretry_initial = 0.05\nretry_max = 0.2\nconfig_retry_initial = 0.1\npoll_interval = 0.05\n"
                             "[listmonk]\nurl = \"" + proxy.url() + "\"\nusername = \"bounce-milter\"\ntoken = \"" + kToken +
                             "\"\ntimeout = 5\n"
                             "[redis]\nurl = \"redis://bounce:" + kRedisPassword + "@127.0.0.1:" +
                             std::to_string(free_port()) + "/0\"\ntimeout = 1\n";
    auto loaded = conf::load_string(toml);
    INFO(toml);
    REQUIRE(loaded.config);
    StderrCapture capture(dir.file("stderr.log"));
    {
        Pipeline pipeline(*loaded.config);
        pipeline.start();
        pipeline.outbox().enqueue({one_event()});
        wait_until([&] {
            const std::string log = capture.text();
            return log.find("listmonk HTTP 401") != std::string::npos && log.find("redis connect") != std::string::npos;
        }, 20s);
        pipeline.stop();
        // The outbox keeps the last error per sink for the operator's tools: same rule.
        for (const auto& pending : pipeline.outbox().list(DeliveryState::pending)) {
            INFO(pending.last_error);
            CHECK(!pending.last_error.empty());
            CHECK(pending.last_error.find(kToken) == std::string::npos);
            CHECK(pending.last_error.find(kRedisPassword) == std::string::npos);
        }
    }
    capture.restore();
    const std::string log = capture.text();
    INFO(log);
    CHECK(log.find("CONFIGURATION PROBLEM") != std::string::npos);  // the operator is told ...
    CHECK(log.find("listmonk HTTP 401") != std::string::npos);
    CHECK(log.find("redis connect 127.0.0.1") != std::string::npos);
    CHECK(log.find(kToken) == std::string::npos);                   // ... without the secrets
    CHECK(log.find(kRedisPassword) == std::string::npos);
}
