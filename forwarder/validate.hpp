// Shape checks that decide what listmonk will accept, applied before an event is stored so that
// nothing is queued that listmonk would refuse for a reason we could have known.
#pragma once

#include <string>
#include <string_view>

namespace forwarder {

// 8-4-4-4-12 hex digits, either case (what listmonk's handler and Postgres' uuid cast accept).
bool is_uuid(std::string_view text);

// A bare RFC 5322 addr-spec (dot-atom or quoted local part, dot-atom or [literal] domain): the
// shape Go's mail.ParseAddress returns unchanged, which is listmonk's test. No display names, no <>.
bool is_bare_email(std::string_view text);

// Trims whitespace and surrounding <>, lowercases: how listmonk stores and looks up addresses.
std::string normalize_email(std::string_view text);

std::string to_lower(std::string_view text);

}  // namespace forwarder
