// The HTTP front in-process: routing, the body cap (413), 404 for providers not configured, 503 when
// the outbox refuses, metrics, and no 500 for garbage.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <condition_variable>
#include <set>
#include <thread>

#include "support.hpp"
#include "webhooks/encoding.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/bounded_task_queue.hpp"
#include "webhooks/server.hpp"

using namespace test_support;

namespace {

struct RecordingWriter final : webhooks::EventWriter {
    std::mutex mutex;
    std::vector<forwarder::Event> events;
    std::set<std::string> keys;
    bool fail = false;
    forwarder::EnqueueResult write(const std::vector<forwarder::Event>& batch) override {
        std::lock_guard lock(mutex);
        if (fail) throw forwarder::OutboxError("disk full");
        forwarder::EnqueueResult r;
        for (const auto& e : batch) {
            if (keys.insert(e.idempotency_key).second) {
                events.push_back(e);
                ++r.inserted;
            } else {
                ++r.duplicates;
            }
        }
        return r;
    }
};

struct RunningServer {
    RecordingWriter writer;
    std::unique_ptr<webhooks::HooksServer> server;
    std::thread thread;
    std::unique_ptr<httplib::Client> client;

    explicit RunningServer(std::size_t max_body = 4096) {
        conf::HooksConfig config;
        config.listen = "127.0.0.1:0";
        config.max_body_bytes = max_body;
        config.threads = 2;
        conf::ProviderConfig fe;
        fe.key = "fe-key";
        config.providers["forwardemail"] = fe;
        conf::ProviderConfig md;
        md.key = "md-key";
        md.url = "https://hooks.example.com/webhooks/service/mandrill";
        config.providers["mandrill"] = md;
        conf::ProviderConfig pm;
        pm.username = "u";
        pm.password = "p";
        config.providers["postmark"] = pm;
        auto providers = webhooks::make_providers(config, services_at(1790000000));
        server = std::make_unique<webhooks::HooksServer>(config, std::move(providers), writer);
        std::string error;
        if (!server->bind(error)) throw std::runtime_error(error);
        thread = std::thread([this] { server->run(); });
        client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
        client->set_read_timeout(5, 0);
        for (int i = 0; i < 100; ++i) {
            if (client->Get("/healthz")) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ~RunningServer() {
        server->stop();
        thread.join();
    }
};

std::string fe_body(const std::string& recipient) {
    return R"({"email_id":"id-)" + recipient + R"(","recipient":")" + recipient +
           R"(","bounce":{"category":"recipient","code":550},"headers":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"}})";
}

httplib::Headers fe_headers(const std::string& body) {
    return {{"X-Webhook-Signature", webhooks::hex_encode(webhooks::hmac_sha256("fe-key", body))}};
}

}  // namespace

TEST_CASE("server: a signed event is stored once; its retry counts as a duplicate") {
    RunningServer s;
    const std::string body = fe_body("a@example.com");
    auto r = s.client->Post("/webhooks/service/forwardemail", fe_headers(body), body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    r = s.client->Post("/webhooks/service/forwardemail", fe_headers(body), body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    REQUIRE(s.writer.events.size() == 1);
    CHECK(s.writer.events[0].campaign_uuid == campaign);
    const auto metrics = s.client->Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("bounce_hooks_requests_total{provider=\"forwardemail\",status=\"200\"} 2") != std::string::npos);
    CHECK(metrics->body.find("bounce_hooks_events_accepted_total{provider=\"forwardemail\"} 1") != std::string::npos);
    CHECK(metrics->body.find("bounce_hooks_events_duplicate_total{provider=\"forwardemail\"} 1") != std::string::npos);
}

TEST_CASE("server: bounces are counted by receiver family, which the events carry in meta") {
    RunningServer s;
    for (const char* recipient : {"a@gmail.com", "b@hotmail.co.uk", "c@example.com"}) {
        const std::string body = fe_body(recipient);
        auto r = s.client->Post("/webhooks/service/forwardemail", fe_headers(body), body, "application/json");
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    REQUIRE(s.writer.events.size() == 3);
    CHECK(s.writer.events[0].meta.value("receiver", "") == "google");
    CHECK(s.writer.events[1].meta.value("receiver", "") == "microsoft");
    CHECK(s.writer.events[2].meta.value("receiver", "") == "other");
    const auto metrics = s.client->Get("/metrics");
    REQUIRE(metrics);
    for (const char* receiver : {"google", "microsoft", "other"}) {
        CHECK(metrics->body.find(std::string("bounce_hooks_bounces_total{provider=\"forwardemail\",type=\"hard\",receiver=\"") +
                                 receiver + "\"} 1") != std::string::npos);
    }
}

TEST_CASE("server: forgeries are refused and counted, nothing stored") {
    RunningServer s;
    const std::string body = fe_body("a@example.com");
    auto r = s.client->Post("/webhooks/service/forwardemail", {{"X-Webhook-Signature", std::string(64, '0')}}, body,
                            "application/json");
    REQUIRE(r);
    CHECK(r->status == 403);
    r = s.client->Post("/webhooks/service/postmark", "{}", "application/json");
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->get_header_value("WWW-Authenticate").find("Basic") == 0);
    CHECK(s.writer.events.empty());
    const auto metrics = s.client->Get("/metrics");
    CHECK(metrics->body.find("bounce_hooks_verification_failures_total{provider=\"forwardemail\"} 1") != std::string::npos);
    CHECK(metrics->body.find("bounce_hooks_verification_failures_total{provider=\"postmark\"} 1") != std::string::npos);
}

TEST_CASE("server: bodies over max_body_bytes get 413") {
    RunningServer s(1024);
    const std::string big(2048, 'x');
    auto r = s.client->Post("/webhooks/service/forwardemail", big, "application/json");
    REQUIRE(r);
    CHECK(r->status == 413);
    const std::string small = fe_body("b@example.com");
    r = s.client->Post("/webhooks/service/forwardemail", fe_headers(small), small, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE("server: providers not configured and unknown paths are 404") {
    RunningServer s;
    for (const char* path : {"/webhooks/service/ses", "/webhooks/service/nosuch", "/webhooks/service/SES", "/other"}) {
        auto r = s.client->Post(path, "{}", "application/json");
        REQUIRE(r);
        INFO(path);
        CHECK(r->status == 404);
    }
    auto health = s.client->Get("/healthz");
    REQUIRE(health);
    CHECK(health->status == 200);
}

TEST_CASE("server: Mandrill's unsigned HEAD check is answered 200; GET is not") {
    RunningServer s;
    auto head = s.client->Head("/webhooks/service/mandrill");
    REQUIRE(head);
    CHECK(head->status == 200);
    auto get = s.client->Get("/webhooks/service/mandrill");
    REQUIRE(get);
    CHECK(get->status == 405);
    auto head_other = s.client->Head("/webhooks/service/forwardemail");
    REQUIRE(head_other);
    CHECK(head_other->status == 400);
}

TEST_CASE("server: outbox failure answers 503 so the provider retries") {
    RunningServer s;
    s.writer.fail = true;
    const std::string body = fe_body("c@example.com");
    auto r = s.client->Post("/webhooks/service/forwardemail", fe_headers(body), body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 503);
    s.writer.fail = false;
    r = s.client->Post("/webhooks/service/forwardemail", fe_headers(body), body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(s.writer.events.size() == 1);
}

TEST_CASE("server: garbage never produces a 500") {
    RunningServer s;
    const std::vector<std::string> bodies = {"", "\xff\xfe\x00", "[", "null", "{\"recipient\":{}}", std::string(3000, '['),
                                             "mandrill_events=%ZZ"};
    for (const char* provider : {"forwardemail", "mandrill", "postmark"}) {
        for (const auto& body : bodies) {
            httplib::Headers h = fe_headers(body);
            h.emplace("X-Mandrill-Signature", "AAAA");
            h.emplace("Authorization", "Basic " + webhooks::base64_encode("u:p"));
            auto r = s.client->Post(std::string("/webhooks/service/") + provider, h, body, "application/json");
            REQUIRE(r);
            INFO(provider << " " << body.substr(0, 20));
            CHECK(r->status >= 200);
            CHECK(r->status < 500);
        }
    }
}

TEST_CASE("listen addresses are parsed strictly") {
    std::string host;
    int port = 0;
    CHECK(webhooks::split_listen("127.0.0.1:8025", host, port));
    CHECK(host == "127.0.0.1");
    CHECK(port == 8025);
    CHECK(webhooks::split_listen("[::1]:80", host, port));
    CHECK(host == "::1");
    CHECK_FALSE(webhooks::split_listen("8025", host, port));
    CHECK_FALSE(webhooks::split_listen("host:99999", host, port));
    CHECK_FALSE(webhooks::split_listen("host:", host, port));
}

TEST_CASE("provider configuration errors are all reported, one line each") {
    conf::HooksConfig config;
    config.providers["sendgrid"].public_key = "bm90IGEga2V5";
    config.providers["mailgun"];
    config.providers["forwardemail"].key = "fine";
    try {
        webhooks::make_providers(config, services_at(0));
        FAIL("expected ProviderConfigError");
    } catch (const webhooks::ProviderConfigError& e) {
        const std::string text = e.what();
        CHECK(text.find("[hooks.sendgrid] public_key") != std::string::npos);
        CHECK(text.find("[hooks.mailgun] needs signing_key") != std::string::npos);
        CHECK(text.find("forwardemail") == std::string::npos);
        CHECK(std::count(text.begin(), text.end(), '\n') == 1);
    }
}

namespace {
// Sends raw bytes and returns whatever the server answered (empty when it just closed the connection).
std::string raw_exchange(int port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string reply;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        std::size_t sent = 0;
        while (sent < request.size()) {
            const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += static_cast<std::size_t>(n);
        }
        char buf[4096];
        ssize_t n;
        while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
            reply.append(buf, static_cast<std::size_t>(n));
            if (reply.find("\r\n\r\n") != std::string::npos) break;
        }
    }
    ::close(fd);
    return reply;
}
}  // namespace

TEST_CASE("server: chunked bodies over the cap are refused too, and counted") {
    RunningServer s(1024);
    std::string chunk(1500, 'x');
    std::string request = "POST /webhooks/service/forwardemail HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    request += size + chunk + "\r\n0\r\n\r\n";
    const std::string reply = raw_exchange(s.server->port(), request);
    INFO(reply);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(s.writer.events.empty());
    const auto metrics = s.client->Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("bounce_hooks_requests_total{provider=\"forwardemail\",status=\"413\"} 1") != std::string::npos);
}

TEST_CASE("server: oversized headers and request lines are refused without reaching a provider") {
    RunningServer s;
    const std::string huge_header = "POST /webhooks/service/forwardemail HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                    std::string(20000, 'a') + "\r\nContent-Length: 2\r\n\r\n{}";
    const std::string reply = raw_exchange(s.server->port(), huge_header);
    CHECK(reply.rfind("HTTP/1.1 200", 0) != 0);
    const std::string long_uri = "GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string reply2 = raw_exchange(s.server->port(), long_uri);
    CHECK(reply2.rfind("HTTP/1.1 200", 0) != 0);
    CHECK(s.writer.events.empty());
    auto health = s.client->Get("/healthz");  // still serving
    REQUIRE(health);
    CHECK(health->status == 200);
}

TEST_CASE("server: the rest of an oversized body is never parsed as a further request") {
    RunningServer s(1024);
    // A request smuggled inside the tail of an oversized chunked body must not be served.
    const std::string smuggled = fe_body("smuggled@example.com");
    std::string inner = "POST /webhooks/service/forwardemail HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                        std::to_string(smuggled.size()) + "\r\nX-Webhook-Signature: " +
                        webhooks::hex_encode(webhooks::hmac_sha256("fe-key", smuggled)) + "\r\n\r\n" + smuggled;
    std::string filler(1100, 'x');
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", filler.size());
    std::string request = "POST /webhooks/service/forwardemail HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    request += size + filler + "\r\n";
    request += inner;
    // The server answers 413 and closes with the client's bytes unread, so the kernel may reset the
    // connection before the answer is read: a reset is a refusal too. What must never happen is a
    // second answer or a stored event for the smuggled request.
    const std::string reply = raw_exchange(s.server->port(), request);
    INFO(reply);
    CHECK((reply.empty() || reply.rfind("HTTP/1.1 413", 0) == 0));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(s.writer.events.empty());
    // Same with a Content-Length body over the cap followed by a pipelined request.
    std::string request2 = "POST /webhooks/service/forwardemail HTTP/1.1\r\nHost: x\r\nContent-Length: 1100\r\n\r\n" +
                           std::string(1100, 'y') + inner;
    const std::string reply2 = raw_exchange(s.server->port(), request2);
    INFO(reply2);
    CHECK((reply2.empty() || reply2.rfind("HTTP/1.1 413", 0) == 0));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(s.writer.events.empty());
}

TEST_CASE("server: multipart bodies are refused before they are read") {
    RunningServer s;
    auto r = s.client->Post("/webhooks/service/forwardemail", {{"X-Webhook-Signature", "00"}},
                            "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--\r\n",
                            "multipart/form-data; boundary=b");
    REQUIRE(r);
    CHECK(r->status == 415);
}

TEST_CASE("bounded task queue runs every task on its fixed workers and blocks producers when full") {
    std::atomic<int> done{0};
    std::mutex gate_mutex;
    std::condition_variable gate_cv;
    bool open = false;
    {
        webhooks::BoundedTaskQueue queue(2, 2);
        for (int i = 0; i < 2; ++i) {
            queue.enqueue([&] {
                std::unique_lock lock(gate_mutex);
                gate_cv.wait(lock, [&] { return open; });
                ++done;
            });
        }
        queue.enqueue([&] { ++done; });
        queue.enqueue([&] { ++done; });
        // Both workers are blocked and the queue holds 2: the next enqueue must wait.
        std::atomic<bool> fifth_enqueued{false};
        std::thread producer([&] {
            queue.enqueue([&] { ++done; });
            fifth_enqueued = true;
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        CHECK_FALSE(fifth_enqueued);
        {
            std::lock_guard lock(gate_mutex);
            open = true;
        }
        gate_cv.notify_all();
        producer.join();
        CHECK(fifth_enqueued);
        queue.shutdown();
    }
    CHECK(done == 5);
}
