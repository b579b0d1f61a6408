// The connection gate in front of the HTTP server, over real sockets: slow clients do not starve
// others, every request has a deadline, heads and connections are capped, ambiguous framing is refused.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support.hpp"
#include "webhooks/encoding.hpp"
#include "webhooks/server.hpp"

using namespace test_support;

namespace {

struct NullWriter final : webhooks::EventWriter {
    std::atomic<int> events{0};
    forwarder::EnqueueResult write(const std::vector<forwarder::Event>& batch) override {
        events += static_cast<int>(batch.size());
        forwarder::EnqueueResult r;
        r.inserted = batch.size();
        return r;
    }
};

conf::HooksConfig limited_config() {
    conf::HooksConfig config;
    config.listen = "127.0.0.1:0";
    config.threads = 2;
    conf::ProviderConfig pm;
    pm.username = "u";
    pm.password = "p";
    config.providers["postmark"] = pm;
    return config;
}

struct GatedServer {
    NullWriter writer;
    std::unique_ptr<webhooks::HooksServer> server;
    std::thread thread;

    explicit GatedServer(const conf::HooksConfig& config) {
        server = std::make_unique<webhooks::HooksServer>(config, webhooks::make_providers(config, services_at(1790000000)),
                                                         writer);
        std::string error;
        if (!server->bind(error)) throw std::runtime_error(error);
        thread = std::thread([this] { server->run(); });
    }
    ~GatedServer() {
        server->stop();
        thread.join();
    }
};

int connect_to(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void send_all(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

// Everything the server sends until it closes the connection (or `seconds` pass).
std::string read_until_closed(int fd, int seconds = 10) {
    std::string out;
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, seconds * 1000) > 0) {
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

const std::string kBounce = R"({"RecordType":"Bounce","ID":42,"Type":"HardBounce","Email":"john@example.com"})";

httplib::Headers postmark_auth() { return {{"Authorization", "Basic " + webhooks::base64_encode("u:p")}}; }

std::string raw_post(const std::string& extra_headers, const std::string& body) {
    return "POST /webhooks/service/postmark HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " +
           webhooks::base64_encode("u:p") + "\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace

TEST_CASE("server limits: 50 clients trickling header lines do not keep a real request from an answer") {
    GatedServer s(limited_config());
    std::vector<int> slow;
    for (int i = 0; i < 50; ++i) {
        const int fd = connect_to(s.server->port());
        REQUIRE(fd >= 0);
        send_all(fd, "POST /webhooks/service/postmark HTTP/1.1\r\nHost: x\r\n");
        slow.push_back(fd);
    }
    std::atomic<bool> trickling{true};
    std::thread trickler([&] {
        for (int round = 0; trickling && round < 40; ++round) {
            for (const int fd : slow) send_all(fd, "X-Slow-" + std::to_string(round) + ": 1\r\n");
            for (int i = 0; i < 10 && trickling; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    httplib::Client client("127.0.0.1", s.server->port());
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(5, 0);  // the bar the issue sets: answered within 5 s
    client.set_write_timeout(5, 0);
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto r = client.Post("/webhooks/service/postmark", postmark_auth(), kBounce, "application/json");
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    CHECK(s.writer.events == 3);  // all three stored (this writer does not de-duplicate)
    trickling = false;
    trickler.join();
    for (const int fd : slow) close(fd);
}

TEST_CASE("server limits: a request not complete within request_timeout is answered 408 and closed") {
    auto config = limited_config();
    config.request_timeout = std::chrono::seconds(1);
    GatedServer s(config);
    const int fd = connect_to(s.server->port());
    REQUIRE(fd >= 0);
    send_all(fd, "POST /webhooks/service/postmark HTTP/1.1\r\nHost: x\r\n");  // and never more
    const std::string answer = read_until_closed(fd);
    CHECK(answer.starts_with("HTTP/1.1 408 "));
    close(fd);
    // A body trickled after a complete head is bounded the same way.
    const int body_fd = connect_to(s.server->port());
    send_all(body_fd, raw_post("Content-Length: 100\r\n", "{\"RecordType\""));
    CHECK(read_until_closed(body_fd).starts_with("HTTP/1.1 408 "));
    close(body_fd);
}

TEST_CASE("server limits: oversized heads, too many headers and ambiguous lengths are refused before any worker") {
    GatedServer s(limited_config());
    auto answer_to = [&](const std::string& request) {
        const int fd = connect_to(s.server->port());
        send_all(fd, request);
        std::string answer = read_until_closed(fd);
        close(fd);
        return answer;
    };
    std::string many;
    for (int i = 0; i < 200; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
    CHECK(answer_to(raw_post(many, "")).starts_with("HTTP/1.1 431 "));
    CHECK(answer_to(raw_post("X-Big: " + std::string(40000, 'a') + "\r\n", "")).starts_with("HTTP/1.1 431 "));
    const std::string conflicting = answer_to(raw_post("Content-Length: 2\r\nContent-Length: 80\r\n", kBounce));
    CHECK(conflicting.starts_with("HTTP/1.1 400 "));
    CHECK(conflicting.find("conflicting Content-Length") != std::string::npos);
    CHECK(answer_to(raw_post("Content-Length: 99999999\r\n", "")).starts_with("HTTP/1.1 413 "));
    CHECK(s.writer.events == 0);
    // Still serving.
    const std::string ok = answer_to(raw_post("Content-Length: " + std::to_string(kBounce.size()) +
                                                   "\r\nConnection: close\r\n", kBounce));
    CHECK(ok.starts_with("HTTP/1.1 200 "));
}

TEST_CASE("server limits: connections beyond max_connections are answered 503 at once") {
    auto config = limited_config();
    config.max_connections = 4;
    GatedServer s(config);
    std::vector<int> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(connect_to(s.server->port()));
        send_all(held.back(), "POST /webhooks/service/postmark HTTP/1.1\r\n");
    }
    // Admission is counted by the gate thread; wait until it holds all four.
    for (int i = 0; i < 200 && s.server->open_connections() < 4; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(s.server->open_connections() == 4);
    const int extra = connect_to(s.server->port());
    CHECK(read_until_closed(extra).starts_with("HTTP/1.1 503 "));
    close(extra);
    for (const int fd : held) close(fd);
}

TEST_CASE("server limits: keep-alive and pipelined requests still work behind the gate") {
    GatedServer s(limited_config());
    const int fd = connect_to(s.server->port());
    const std::string one = raw_post("Content-Length: " + std::to_string(kBounce.size()) + "\r\n", kBounce);
    send_all(fd, one + one);  // two requests in one write
    std::string answers;
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (answers.find("HTTP/1.1 200", answers.find("HTTP/1.1 200") + 1) == std::string::npos && poll(&p, 1, 5000) > 0) {
        const ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        answers.append(buf, static_cast<std::size_t>(n));
    }
    CHECK(answers.find("HTTP/1.1 200", answers.find("HTTP/1.1 200") + 1) != std::string::npos);
    close(fd);
}

TEST_CASE("server limits: answer_raw runs one request through the same limits without a socket") {
    const auto config = limited_config();
    NullWriter writer;
    webhooks::HooksServer server(config, webhooks::make_providers(config, services_at(1790000000)), writer);
    const std::string ok = server.answer_raw(raw_post("Content-Length: " + std::to_string(kBounce.size()) + "\r\n", kBounce));
    CHECK(ok.starts_with("HTTP/1.1 200 "));
    CHECK(server.answer_raw(raw_post("Content-Length: 1\r\nContent-Length: 2\r\n", "ab")).starts_with("HTTP/1.1 400 "));
    CHECK(server.answer_raw("POST /webhooks/service/postmark HTTP/1.1\r\nHost: x\r\n").starts_with("HTTP/1.1 408 "));
}
