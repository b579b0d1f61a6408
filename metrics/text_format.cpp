#include "metrics/text_format.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace metrics {
namespace {

bool name_char(char c, bool first, bool colon_ok) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
    return letter || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon_ok) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (!name_char(name[i], i == 0, colon_ok)) return false;
    return true;
}

void append_labels(std::string& out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const char* extra_name = nullptr, const std::string& extra_value = {}) {
    if (names.empty() && !extra_name) return;
    out += '{';
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += ',';
        out += names[i];
        out += "=\"";
        out += escape_label_value(i < values.size() ? values[i] : std::string());
        out += '"';
    }
    if (extra_name) {
        if (!names.empty()) out += ',';
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
}

}  // namespace

const char* to_string(Type type) noexcept {
    switch (type) {
        case Type::counter: return "counter";
        case Type::histogram: return "histogram";
        case Type::gauge: break;
    }
    return "gauge";
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    // Counts stay exact and readable up to 2^53.
    if (std::nearbyint(value) == value && std::fabs(value) < 9007199254740992.0)
        return std::to_string(static_cast<long long>(value));
    // Shortest round-trip digits in %g style, as Go's client libraries print them ("0.0001", "5e-05").
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    return std::string(buffer, result.ptr);
}

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }
bool valid_label_name(std::string_view name) { return valid_name(name, false) && name.substr(0, 2) != "__"; }

void append_family(std::string& out, const FamilySnapshot& family) {
    out += "# HELP " + family.name + " " + escape_help(family.help) + "\n";
    out += "# TYPE " + family.name + " " + to_string(family.type) + "\n";
    if (family.type != Type::histogram) {
        for (const Sample& s : family.samples) {
            out += family.name;
            append_labels(out, family.label_names, s.label_values);
            out += ' ';
            out += format_value(s.value);
            out += '\n';
        }
        return;
    }
    static const std::vector<std::string> no_values;
    for (std::size_t i = 0; i < family.histograms.size(); ++i) {
        const Histogram::Snapshot& h = family.histograms[i];
        const std::vector<std::string>& values = i < family.samples.size() ? family.samples[i].label_values : no_values;
        for (std::size_t b = 0; b < h.cumulative.size(); ++b) {
            const std::string le = b < h.upper_bounds.size() ? format_value(h.upper_bounds[b]) : "+Inf";
            out += family.name + "_bucket";
            append_labels(out, family.label_names, values, "le", le);
            out += ' ' + std::to_string(h.cumulative[b]) + '\n';
        }
        out += family.name + "_sum";
        append_labels(out, family.label_names, values);
        out += ' ' + format_value(h.sum) + '\n';
        out += family.name + "_count";
        append_labels(out, family.label_names, values);
        out += ' ' + std::to_string(h.count()) + '\n';
    }
}

}  // namespace metrics
