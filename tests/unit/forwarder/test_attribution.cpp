// forwarder::attribute on hand-built events: which of one report's events may reach a sink.
#include "forwarder/attribution.hpp"
#include "forwarder/clock.hpp"
#include "forwarder/outbox.hpp"
#include "sample_event.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <unistd.h>

using forwarder::attribute;
using test_support::sample_event;

namespace {

const std::string kUuidA = "8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11";
const std::string kUuidB = "0d4f4c5e-1b2a-4c3d-8e9f-a0b1c2d3e4f5";

std::vector<forwarder::Event> events(std::size_t n, const std::vector<std::string>& uuids = {}) {
    std::vector<forwarder::Event> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(sample_event("k" + std::to_string(i)));
        if (i < uuids.size()) out.back().subscriber_uuid = uuids[i];
    }
    return out;
}

dsn::Report report_naming(std::size_t n) {
    dsn::Report r;
    r.kind = dsn::Kind::dsn;
    r.message_id = "<report@mx.example>";
    r.events.resize(n);
    return r;
}

}  // namespace

TEST_CASE("events with different subscriber UUIDs are each forwarded; those without are held") {
    forwarder::ProducerContext ctx;
    ctx.queue_id = "Q9";
    const auto a = attribute(events(3, {kUuidA, kUuidB}), report_naming(3), ctx);
    REQUIRE(a.forward.size() == 2);
    CHECK(a.forward[0].subscriber_uuid == kUuidA);
    CHECK(a.forward[1].subscriber_uuid == kUuidB);
    REQUIRE(a.held);
    CHECK(a.held->reason == "unattributed");
    CHECK(a.held->queue_id == "Q9");
    REQUIRE(a.held->events.size() == 1);
    CHECK(a.held->events[0].email == "k2@example.org");
}

TEST_CASE("more events than max_events_per_report hold the whole report, UUIDs or not") {
    forwarder::ProducerContext ctx;
    ctx.max_events_per_report = 2;
    for (bool without_uuid : {false, true}) {
        ctx.forward_without_uuid = without_uuid;
        const auto a = attribute(events(3, {kUuidA, kUuidA, kUuidA}), report_naming(3), ctx);
        CHECK(a.forward.empty());
        REQUIRE(a.held);
        CHECK(a.held->reason == "suspect");
        CHECK(a.held->events.size() == 3);
        CHECK(a.held->recipients == 3);
    }
    dsn::Report capped = report_naming(2);
    capped.recipients_capped = true;
    const auto a = attribute(events(1, {kUuidA}), capped, ctx);
    CHECK(a.forward.empty());
    REQUIRE(a.held);
    CHECK(a.held->reason == "suspect");
    CHECK(a.held->recipients_capped);
}

TEST_CASE("forward_without_uuid forwards address-only events within the bound") {
    forwarder::ProducerContext ctx;
    ctx.forward_without_uuid = true;
    const auto a = attribute(events(5), report_naming(5), ctx);
    CHECK(a.forward.size() == 5);
    CHECK_FALSE(a.held);
    CHECK(attribute({}, report_naming(0), ctx).forward.empty());
}

TEST_CASE("held reports are stored once per report, listed, counted, pruned and purged") {
    char tmpl[] = "/tmp/held-outbox-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    {
        forwarder::Outbox outbox(dir + "/outbox.sqlite", {"file"});
        forwarder::ProducerContext ctx;
        ctx.message = "raw bytes";
        const auto held = attribute(events(1), report_naming(1), ctx).held;
        REQUIRE(held);
        CHECK(outbox.hold(*held));
        CHECK_FALSE(outbox.hold(*held));
        const auto suspect = attribute(events(9), report_naming(9), ctx).held;
        REQUIRE(suspect);
        CHECK(suspect->key != held->key);
        CHECK(outbox.hold(*suspect));
        CHECK(outbox.held_counts() == std::map<std::string, std::size_t>{{"suspect", 1}, {"unattributed", 1}});
        const auto rows = outbox.list_held("suspect");
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].report.events.size() == 9);
        CHECK(rows[0].report.why.find("max_events_per_report = 5") != std::string::npos);
        CHECK(outbox.stats()[0].pending == 0);  // held reports create no delivery
        CHECK(outbox.purge_held(rows[0].id) == 1);
        CHECK(outbox.list_held().size() == 1);
        outbox.prune_delivered(forwarder::now_ms() + 1000);
        CHECK(outbox.list_held().empty());
    }
    std::system(("rm -rf '" + dir + "'").c_str());
}
