// The dialect table. Order matters: a message is offered to each dialect in turn and the first
// one that matches and finds recipients wins, so narrow markers come before broad ones.
#include "dsn/dialect.hpp"
#include "dsn/dialects/dialects.hpp"

namespace dsn {
namespace {

constexpr Dialect kDialects[] = {
    {"postfix", dialects::postfix_matches, dialects::postfix_decode},
    {"sendmail", dialects::sendmail_matches, dialects::sendmail_decode},

    // --- MTA and appliance dialects ---
    {"dma", dialects::dma_matches, dialects::dma_decode},  // before exim: same subject
    {"exim", dialects::exim_matches, dialects::exim_decode},
    {"qmail", dialects::qmail_matches, dialects::qmail_decode},
    {"opensmtpd", dialects::opensmtpd_matches, dialects::opensmtpd_decode},
    {"exchange2003", dialects::exchange2003_matches, dialects::exchange2003_decode},
    {"exchange", dialects::exchange_matches, dialects::exchange_decode},
    // --- end MTA and appliance dialects ---
};

}  // namespace

std::span<const Dialect> registered_dialects() { return kDialects; }

}  // namespace dsn
