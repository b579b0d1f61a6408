// Remote-host tables: which provider a reply is attributed to and what its codes mean.
#include "dsn/classify.hpp"
#include "dsn/rhost.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string reason(std::string_view diagnostic, std::string_view status, std::string_view host,
                   std::string_view recipient = "someone@example.org", std::string_view command = "") {
    dsn::classify::Evidence e;
    e.diagnostic = diagnostic;
    e.status = status;
    e.remote_mta = host;
    e.recipient = recipient;
    e.smtp_command = command;
    return std::string(dsn::rhost::reason_for(e));
}

}  // namespace

TEST_CASE("Exchange Online: numbered refusals by range of the enhanced code", "[rhost][microsoft]") {
    const char* host = "example-org.mail.protection.outlook.com";
    CHECK(reason("550 5.7.606 Access denied, banned sending IP [192.0.2.1].", "5.7.606", host) == "blocked");
    CHECK(reason("550 5.7.649 Access denied, banned sending IP [192.0.2.1].", "5.7.649", host) == "blocked");
    CHECK(reason("550 5.7.509 Access denied, sending domain does not pass DMARC verification", "5.7.509", host) ==
          "authfailure");
    CHECK(reason("550 5.4.1 Recipient address rejected: Access denied", "5.4.1", host) == "userunknown");
    CHECK(reason("550 5.7.708 Access denied, traffic not accepted from this IP", "5.7.708", host) == "speeding");
    // A code outside every listed range says nothing provider-specific.
    CHECK(reason("550 5.7.1 Something new", "5.7.1", host).empty());
}

TEST_CASE("Exchange resolver codes identify Microsoft without a Remote-MTA", "[rhost][microsoft]") {
    CHECK(reason("550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", "5.1.10",
                 "") == "userunknown");
}

TEST_CASE("Google: replies ending in gsmtp are read with Google's table", "[rhost][google]") {
    CHECK(reason("550-5.7.1 This message is not RFC 5322 compliant. To reduce the amount of spam ... - gsmtp",
                 "5.7.1", "aspmx.l.google.com") == "notcompliantrfc");
    // The host is unknown (an SES report) but Google's signature is there.
    CHECK(reason("550 5.2.1 The email account that you tried to reach is disabled. - gsmtp", "5.2.1", "") ==
          "suspend");
}

TEST_CASE("Yahoo: bracketed deferral codes and policy refusals", "[rhost][yahoo]") {
    const char* host = "mta5.am0.yahoodns.net";
    CHECK(reason("421 4.7.0 [TSS04] Messages from 192.0.2.9 temporarily deferred due to unexpected volume or user "
                 "complaints",
                 "4.7.0", host) == "rejected");
    CHECK(reason("554 5.7.9 Message not accepted for policy reasons.", "5.7.9", host) == "policyviolation");
    CHECK(reason("554 delivery error: dd This user doesn't have a yahoo.com account", "5.0.0", host) ==
          "userunknown");
}

TEST_CASE("providers that number their errors", "[rhost][codes]") {
    CHECK(reason("550 5.1.0 <a@b.example> sender rejected. AUP#CDRBL", "5.1.0", "cxr.mx.a.cloudfilter.net",
                 "x@cox.net") == "blocked");
    CHECK(reason("550 5.1.0 sender rejected. AUP#In-1310", "5.1.0", "", "x@charter.net") == "toomanyconn");
    CHECK(reason("550 5.1.1 <a@b> 203.0.113.2 has sent to too many recipients this hour. IB607", "5.1.1",
                 "smtp.secureserver.net") == "speeding");
    CHECK(reason("550 5.5.0 Le compte du destinataire est bloque. LPN007_426", "5.5.0", "smtpz4.laposte.net") ==
          "suspend");
    CHECK(reason("550 5.1.1 Invalid recipient. OFR_416 [416]", "5.1.1", "smtp-in.orange.fr") == "userunknown");
    CHECK(reason("550 Mailbox is frozen. See http://mail.i.ua/err/3/", "5.0.0", "mx3.email.ua") == "suspend");
}

TEST_CASE("Japanese carriers: the same words mean different things", "[rhost][carriers]") {
    CHECK(reason("550 : User unknown", "5.2.0", "lsean.ezweb.ne.jp") == "filtered");
    CHECK(reason("550 <a@ezweb.ne.jp>: User unknown", "5.1.1", "lsean.ezweb.ne.jp") == "userunknown");
    CHECK(reason("550 Unknown user a@docomo.ne.jp", "5.0.0", "mfsmax.docomo.ne.jp", "a@docomo.ne.jp", "RCPT") ==
          "userunknown");
    CHECK(reason("550 Unknown user a@docomo.ne.jp", "5.0.0", "mfsmax.docomo.ne.jp", "a@docomo.ne.jp", "DATA") ==
          "rejected");
}

TEST_CASE("a host that is no known provider leaves the decision to the generic tables", "[rhost]") {
    CHECK(reason("550 5.1.1 User unknown", "5.1.1", "mx.example.net").empty());
    // The recipient domain decides only when the host is not named.
    CHECK(reason("550 5.7.1 Your message was rejected due to example.org's DMARC policy", "5.7.1", "",
                 "z@icloud.com") == "authfailure");
    CHECK(reason("550 5.7.1 Your message was rejected due to example.org's DMARC policy", "5.7.1", "mx.example.net",
                 "z@icloud.com")
              .empty());
}

TEST_CASE("a three-digit status detail is Exchange's own code, whoever relayed the report", "[rhost][microsoft]") {
    CHECK(reason("550 5.4.312 Message expired, DNS query failed", "5.4.312", "") == "networkerror");
    CHECK(reason("550 5.4.316 Message expired, connection refused", "5.4.316", "") == "expired");
    CHECK(reason("550 5.1.351 Remote server returned unknown recipient or mailbox unavailable", "5.1.351", "") ==
          "userunknown");
}

TEST_CASE("Cloudflare Email Routing: its block-list refusal and its forwarding failure", "[rhost][cloudflare]") {
    const char* host = "route1.mx.cloudflare.net";
    CHECK(reason("554 <192.0.2.1> found on one or more DNSBLs (abusixip). Refer to "
                 "https://developers.cloudflare.com/email-routing/postmaster/",
                 "5.7.1", host) == "blocked");
    // The destination Cloudflare forwards to failed: nothing is known about the address itself.
    CHECK(reason("451 Upstream error", "4.0.0", host) == "systemerror");
    CHECK(reason("550 5.1.1 Unknown user", "5.1.1", host).empty());
}
