// Entry points of every dialect file, gathered for the registry table.
#pragma once

#include "dsn/finding.hpp"
#include "dsn/message.hpp"

#include <vector>

namespace dsn::dialects {

#define BOUNCE_DIALECT(name)                      \
    bool name##_matches(const Message& message); \
    std::vector<Finding> name##_decode(const Message& message);

BOUNCE_DIALECT(postfix)
BOUNCE_DIALECT(sendmail)

#undef BOUNCE_DIALECT

}  // namespace dsn::dialects
