#include "webhooks/credentials.hpp"

#include "webhooks/encoding.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"

namespace webhooks {

namespace {
// The credential after "<scheme> " when the header uses that scheme (case-insensitive).
std::optional<std::string> credential_after(const Request& request, std::string_view scheme) {
    const std::string* header = request.header("Authorization");
    if (header == nullptr || header->size() <= scheme.size() + 1) return std::nullopt;
    if (!iequals(std::string_view(*header).substr(0, scheme.size()), scheme) || (*header)[scheme.size()] != ' ')
        return std::nullopt;
    std::string value = header->substr(scheme.size() + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return value;
}
}  // namespace

std::optional<Outcome> check_basic_auth(const Request& request, const std::string& username,
                                        const std::string& password) {
    const auto encoded = credential_after(request, "Basic");
    if (!encoded) return Outcome::unauthorized("missing Basic credentials");
    const auto decoded = base64_decode(*encoded);
    if (!decoded) return Outcome::unauthorized("malformed Basic credentials");
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return Outcome::unauthorized("malformed Basic credentials");
    // Both halves are always compared so timing does not reveal which one was wrong.
    const bool user_ok = secret_equal(decoded->substr(0, colon), username);
    const bool pass_ok = secret_equal(decoded->substr(colon + 1), password);
    if (!(user_ok & pass_ok)) return Outcome::unauthorized("wrong Basic credentials");
    return std::nullopt;
}

std::optional<Outcome> check_bearer_token(const Request& request, const std::string& token) {
    const auto presented = credential_after(request, "Bearer");
    if (!presented) return Outcome::unauthorized("missing Bearer token");
    if (!secret_equal(*presented, token)) return Outcome::unauthorized("wrong Bearer token");
    return std::nullopt;
}

}  // namespace webhooks
