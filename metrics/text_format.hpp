// The Prometheus text exposition format (version 0.0.4): what GET /metrics returns.
#pragma once

#include "metrics/histogram.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace metrics {

enum class Type { counter, gauge, histogram };
const char* to_string(Type type) noexcept;

struct Sample {
    std::vector<std::string> label_values;  // one per label name of the family
    double value = 0;
};

// One metric family as scraped: its HELP and TYPE lines and its samples.
struct FamilySnapshot {
    std::string name;
    std::string help;
    Type type = Type::gauge;
    std::vector<std::string> label_names;
    std::vector<Sample> samples;  // counter/gauge
    std::vector<Histogram::Snapshot> histograms;  // histogram: one per sample's label values
};

constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label values escape backslash, double quote and newline; HELP text escapes backslash and newline.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// Integers print as integers, other values in the shortest form that reads back exactly;
// infinities and NaN as +Inf, -Inf, NaN.
std::string format_value(double value);

bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

// Appends the family's HELP, TYPE and sample lines. For a histogram, `histograms[i]` belongs to
// `samples[i].label_values` (a histogram without labels has one entry and may leave samples empty).
void append_family(std::string& out, const FamilySnapshot& family);

}  // namespace metrics
