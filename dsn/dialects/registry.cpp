// The dialect table. Order matters: a message is offered to each dialect in turn and the first
// one that matches and finds recipients wins, so narrow markers come before broad ones.
#include "dsn/dialect.hpp"
#include "dsn/dialects/dialects.hpp"

namespace dsn {
namespace {

constexpr Dialect kDialects[] = {
    {"postfix", dialects::postfix_matches, dialects::postfix_decode},
    {"sendmail", dialects::sendmail_matches, dialects::sendmail_decode},
};

}  // namespace

std::span<const Dialect> registered_dialects() { return kDialects; }

}  // namespace dsn
