// HTTP credential checks for providers without signatures (Basic in the webhook URL, Bearer tokens).
#pragma once

#include <optional>
#include <string>

#include "webhooks/outcome.hpp"
#include "webhooks/request.hpp"

namespace webhooks {

// nullopt when the Authorization header carries exactly these Basic credentials; otherwise the 401 to answer.
std::optional<Outcome> check_basic_auth(const Request& request, const std::string& username,
                                        const std::string& password);
// Same for "Authorization: Bearer <token>".
std::optional<Outcome> check_bearer_token(const Request& request, const std::string& token);

}  // namespace webhooks
