// The exposition text a scraper reads: exact output for a small registry, escaping, histogram lines.
#include "metrics/registry.hpp"

#include <catch2/catch.hpp>

using namespace metrics;

TEST_CASE("a small registry renders exactly in the text exposition format") {
    Registry r;
    r.counter("app_messages_total", "Messages seen.").add(3);
    CounterFamily& bounces = r.counter_family("app_bounces_total", "Bounces by type.", {"type", "reason"});
    bounces.with({"soft", "mailbox_full"}).add();
    bounces.with({"hard", "user_unknown"}).add(2);
    bounces.with({"soft", "mailbox_full"}).add();
    Histogram& h = r.histogram("app_parse_seconds", "Parse time.", {0.001, 0.01, 1});
    h.observe(0.0005);
    h.observe(0.001);  // on a bound: counted in that bucket ("le" is inclusive)
    h.observe(0.5);
    h.observe(2.0);
    r.add_collector([] {
        FamilySnapshot f;
        f.name = "app_depth";
        f.help = "Pending events.";
        f.type = Type::gauge;
        f.label_names = {"sink"};
        f.samples = {{{"file"}, 7}, {{"redis"}, 0.25}};
        return std::vector<FamilySnapshot>{f};
    });

    CHECK(r.render() ==
          "# HELP app_messages_total Messages seen.\n"
          "# TYPE app_messages_total counter\n"
          "app_messages_total 3\n"
          "# HELP app_bounces_total Bounces by type.\n"
          "# TYPE app_bounces_total counter\n"
          "app_bounces_total{type=\"hard\",reason=\"user_unknown\"} 2\n"
          "app_bounces_total{type=\"soft\",reason=\"mailbox_full\"} 2\n"
          "# HELP app_parse_seconds Parse time.\n"
          "# TYPE app_parse_seconds histogram\n"
          "app_parse_seconds_bucket{le=\"0.001\"} 2\n"
          "app_parse_seconds_bucket{le=\"0.01\"} 2\n"
          "app_parse_seconds_bucket{le=\"1\"} 3\n"
          "app_parse_seconds_bucket{le=\"+Inf\"} 4\n"
          "app_parse_seconds_sum 2.5015\n"
          "app_parse_seconds_count 4\n"
          "# HELP app_depth Pending events.\n"
          "# TYPE app_depth gauge\n"
          "app_depth{sink=\"file\"} 7\n"
          "app_depth{sink=\"redis\"} 0.25\n");
}

TEST_CASE("label values and help text are escaped") {
    CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
    CHECK(escape_label_value("plain ütf-8") == "plain ütf-8");
    CHECK(escape_help("line1\nback\\slash \"quoted\"") == "line1\\nback\\\\slash \"quoted\"");

    Registry r;
    r.counter_family("x_total", "Help with\nnewline.", {"reason"}).with({"say \"hi\"\\\n"}).add();
    CHECK(r.render() ==
          "# HELP x_total Help with\\nnewline.\n"
          "# TYPE x_total counter\n"
          "x_total{reason=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST_CASE("values print as integers when whole, shortest exact form otherwise") {
    CHECK(format_value(0) == "0");
    CHECK(format_value(42) == "42");
    CHECK(format_value(-3) == "-3");
    CHECK(format_value(0.1) == "0.1");
    CHECK(format_value(5e-05) == "5e-05");
    CHECK(format_value(0.0001) == "0.0001");
    CHECK(format_value(0.00025) == "0.00025");
    CHECK(format_value(1.0 / 0.0) == "+Inf");
    CHECK(format_value(-1.0 / 0.0) == "-Inf");
    CHECK(format_value(std::nan("")) == "NaN");
}

TEST_CASE("histogram buckets are cumulative and end with the total count") {
    Histogram h(fast_seconds_buckets());
    const std::vector<double> values = {0.00001, 0.00005, 0.0003, 0.0003, 0.002, 0.7, 3.0};
    for (double v : values) h.observe(v);
    h.observe(std::nan(""));  // ignored
    const Histogram::Snapshot s = h.snapshot();
    REQUIRE(s.cumulative.size() == s.upper_bounds.size() + 1);
    for (std::size_t i = 1; i < s.cumulative.size(); ++i) CHECK(s.cumulative[i] >= s.cumulative[i - 1]);
    CHECK(s.count() == values.size());
    // Each bucket holds exactly the observations at or below its bound.
    for (std::size_t b = 0; b < s.upper_bounds.size(); ++b) {
        std::uint64_t expected = 0;
        for (double v : values) expected += v <= s.upper_bounds[b] ? 1 : 0;
        CHECK(s.cumulative[b] == expected);
    }
    CHECK(s.sum == Approx(0.00001 + 0.00005 + 0.0003 + 0.0003 + 0.002 + 0.7 + 3.0));
    CHECK(s.upper_bounds.front() == 0.00005);
    CHECK(s.upper_bounds.back() == 1.0);
}

TEST_CASE("a histogram with labels is not needed, but one without samples still renders its buckets") {
    Registry r;
    r.histogram("idle_seconds", "Nothing observed yet.", {1, 2});
    CHECK(r.render() ==
          "# HELP idle_seconds Nothing observed yet.\n"
          "# TYPE idle_seconds histogram\n"
          "idle_seconds_bucket{le=\"1\"} 0\n"
          "idle_seconds_bucket{le=\"2\"} 0\n"
          "idle_seconds_bucket{le=\"+Inf\"} 0\n"
          "idle_seconds_sum 0\n"
          "idle_seconds_count 0\n");
}

TEST_CASE("malformed names, wrong label counts and bad buckets are refused") {
    Registry r;
    CHECK_THROWS_AS(r.counter("9starts_with_digit", "x"), std::invalid_argument);
    CHECK_THROWS_AS(r.counter("has-dash", "x"), std::invalid_argument);
    r.counter("ok_total", "x");
    CHECK_THROWS_AS(r.counter("ok_total", "again"), std::invalid_argument);
    CHECK_THROWS_AS(r.counter_family("f_total", "x", {"le"}), std::invalid_argument);
    CHECK_THROWS_AS(r.counter_family("g_total", "x", {"__reserved"}), std::invalid_argument);
    CounterFamily& f = r.counter_family("h_total", "x", {"a", "b"});
    CHECK_THROWS_AS(f.with({"only-one"}), std::invalid_argument);
    CHECK_THROWS_AS(Histogram({}), std::invalid_argument);
    CHECK_THROWS_AS(Histogram({1, 1}), std::invalid_argument);
    CHECK_THROWS_AS(Histogram({2, 1}), std::invalid_argument);
}

TEST_CASE("a failing collector is reported as a comment and the rest of the scrape goes on") {
    Registry r;
    r.counter("before_total", "x").add();
    r.add_collector([]() -> std::vector<FamilySnapshot> { throw std::runtime_error("database is locked"); });
    const std::string text = r.render();
    CHECK(text.find("before_total 1\n") != std::string::npos);
    CHECK(text.find("# collector failed: database is locked\n") != std::string::npos);
}
