// The loopback exporter serves the registry's text on GET /metrics and nothing else.
#include "metrics/exporter.hpp"
#include "metrics/registry.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

using namespace metrics;

TEST_CASE("the exporter serves GET /metrics on a free loopback port") {
    Registry r;
    Counter& c = r.counter("served_total", "x");
    Exporter exporter("127.0.0.1:0", [&r] { return r.render(); });
    REQUIRE(exporter.port() > 0);
    c.add(5);

    httplib::Client client("127.0.0.1", exporter.port());
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    const auto res = client.Get("/metrics");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == kContentType);
    CHECK(res->body.find("served_total 5\n") != std::string::npos);

    const auto other = client.Get("/");
    REQUIRE(other);
    CHECK(other->status == 404);
    const auto post = client.Post("/metrics", "x", "text/plain");
    REQUIRE(post);
    CHECK(post->status != 200);
}

TEST_CASE("the exporter refuses malformed addresses and a port already taken") {
    CHECK_THROWS_AS(Exporter("no-port", [] { return std::string(); }), ExporterError);
    Exporter first("127.0.0.1:0", [] { return std::string(); });
    CHECK_THROWS_AS(Exporter("127.0.0.1:" + std::to_string(first.port()), [] { return std::string(); }), ExporterError);
}

TEST_CASE("host:port forms") {
    std::string host;
    int port = -1;
    CHECK(split_host_port("127.0.0.1:9120", host, port));
    CHECK((host == "127.0.0.1" && port == 9120));
    CHECK(split_host_port("[::1]:80", host, port));
    CHECK((host == "::1" && port == 80));
    CHECK_FALSE(split_host_port(":80", host, port));
    CHECK_FALSE(split_host_port("host:", host, port));
    CHECK_FALSE(split_host_port("host:99999", host, port));
    CHECK_FALSE(split_host_port("[::1]80", host, port));
}
