// A stream entry's meta is measured before it is parsed: nesting that would overflow the stack in
// nlohmann::json's recursive copy/dump/destroy is refused, so the entry can be dead-lettered.
#include <catch2/catch.hpp>

#include <string>

#include "forwarder/json_depth.hpp"
#include "tools/bounce_drain_entry.hpp"

namespace {
tools::StreamFields fields_with_meta(const std::string& meta) {
    return {{"email", "a@example.com"}, {"type", "hard"}, {"source", "test"}, {"meta", meta}};
}

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }
}  // namespace

TEST_CASE("drain entry: a meta nested 300,000 levels is refused with a reason, not parsed") {
    std::string meta;
    for (int i = 0; i < 300000; ++i) meta += "{\"a\":";
    meta += "1" + std::string(300000, '}');
    const auto decoded = tools::event_from_stream_fields(fields_with_meta(meta));
    CHECK_FALSE(decoded.event);
    CHECK(decoded.error.find("nested deeper than") != std::string::npos);
}

TEST_CASE("drain entry: nesting up to the limit is kept, one level more is refused") {
    const std::string at_limit = "{\"x\":" + nested(tools::kMaxMetaDepth - 1) + "}";
    const auto kept = tools::event_from_stream_fields(fields_with_meta(at_limit));
    REQUIRE(kept.event);
    CHECK(kept.event->meta.is_object());
    const std::string over = "{\"x\":" + nested(tools::kMaxMetaDepth) + "}";
    CHECK_FALSE(tools::event_from_stream_fields(fields_with_meta(over)).event);
}

TEST_CASE("json_nesting_within: brackets inside strings and escapes do not count") {
    CHECK(forwarder::json_nesting_within(R"({"a":"[[[[[[[[","b":"\"[[[["})", 1));
    CHECK_FALSE(forwarder::json_nesting_within(R"({"a":[1]})", 1));
    CHECK(forwarder::json_nesting_within(R"({"a":[1]})", 2));
    CHECK(forwarder::json_nesting_within("]]]]]]", 0));  // malformed, left to the parser
    CHECK(forwarder::json_nesting_within("", 0));
}
