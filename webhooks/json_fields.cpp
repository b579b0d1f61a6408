#include "webhooks/json_fields.hpp"

#include <cctype>
#include <charconv>

namespace webhooks {

namespace {
const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}
}  // namespace

std::string string_field(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = member(object, key);
    if (v == nullptr) return std::string();
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number() || v->is_boolean()) return v->dump();
    return std::string();
}

const nlohmann::json* object_field(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = member(object, key);
    return v != nullptr && v->is_object() ? v : nullptr;
}

const nlohmann::json* array_field(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = member(object, key);
    return v != nullptr && v->is_array() ? v : nullptr;
}

std::optional<double> number_field(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = member(object, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_number()) return v->get<double>();
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        double out = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc() && end == s.data() + s.size()) return out;
    }
    return std::nullopt;
}

std::optional<int> int_field(const nlohmann::json& object, std::string_view key) {
    const auto v = number_field(object, key);
    // Written so that NaN fails too.
    if (!v || !(*v > -2147483649.0 && *v < 2147483648.0)) return std::nullopt;
    return static_cast<int>(*v);
}

bool bool_field(const nlohmann::json& object, std::string_view key) {
    const nlohmann::json* v = member(object, key);
    if (v == nullptr) return false;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_string()) return iequals(v->get_ref<const std::string&>(), "true");
    if (v->is_number_integer()) return v->get<long long>() != 0;
    return false;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string header_value(const nlohmann::json& headers, std::string_view name) {
    if (headers.is_array()) {
        for (const auto& h : headers) {
            if (h.is_object() && iequals(string_field(h, "name"), name)) return string_field(h, "value");
        }
    } else if (headers.is_object()) {
        for (const auto& [key, value] : headers.items()) {
            if (!iequals(key, name)) continue;
            if (value.is_string()) return value.get<std::string>();
            if (value.is_array() && !value.empty() && value.front().is_string()) return value.front().get<std::string>();
        }
    }
    return std::string();
}

}  // namespace webhooks

#include "webhooks/address.hpp"
#include "webhooks/json_body.hpp"

namespace webhooks {

std::string custom_value(std::string_view text, std::string_view field, std::string_view fallback_field,
                         bool bare_uuid_allowed) {
    if (text.empty()) return std::string();
    if (text.front() == '{') {
        std::string error;
        const auto parsed = parse_json_body(text, error);
        if (!parsed || !parsed->is_object()) return std::string();
        std::string v = header_value(*parsed, field);
        if (v.empty()) v = header_value(*parsed, fallback_field);
        return v;
    }
    return bare_uuid_allowed && is_uuid(text) ? std::string(text) : std::string();
}

}  // namespace webhooks
