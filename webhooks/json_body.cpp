#include "webhooks/json_body.hpp"

namespace webhooks {

namespace {
bool nesting_within_limit(std::string_view body) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_json_depth) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}
}  // namespace

std::optional<nlohmann::json> parse_json_body(std::string_view body, std::string& error) {
    if (!nesting_within_limit(body)) {
        error = "JSON nested deeper than " + std::to_string(max_json_depth) + " levels";
        return std::nullopt;
    }
    nlohmann::json parsed = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (parsed.is_discarded()) {
        error = "body is not valid JSON";
        return std::nullopt;
    }
    return parsed;
}

}  // namespace webhooks
