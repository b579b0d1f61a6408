// Secrets that are clearly not secrets: empty, or an example value copied from documentation
// ("change-me", "secret", "<token>", "..."). Going live with one opens a webhook route to anyone or
// fails every POST with 401, so the loader refuses them.
#pragma once

#include <string>

namespace conf {

bool secret_is_placeholder(const std::string& secret);

}  // namespace conf
