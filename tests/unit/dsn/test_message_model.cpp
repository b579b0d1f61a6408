// The message model: values derived once per message (From address, the human part of the text)
// and part content read in place or decoded, whichever the transfer encoding asks for.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/message.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

const std::string kReport =
    "From: Mail Delivery System <MAILER-DAEMON@Mx.Example.NET>\n"
    "To: bounces@lists.example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "Content-Transfer-Encoding: 7bit\n"
    "\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n"
    "\n"
    "------ This is a copy of the message, including all the headers. ------\n"
    "Subject: our newsletter\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    // "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\n"
    "UmVwb3J0aW5nLU1UQTogZG5zOyBteC5leGFtcGxlLm5ldAoKRmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFAZXhh\n"
    "bXBsZS5vcmcKQWN0aW9uOiBmYWlsZWQK\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; b@example.org\n"
    "Action: failed\n"
    "--b1--\n";

}  // namespace

TEST_CASE("the From address and the human text are derived once and agree with the helpers", "[message]") {
    auto message = dsn::load_message(kReport);
    REQUIRE(message);
    CHECK(message->from_address() == "mailer-daemon@mx.example.net");
    CHECK(message->from_address() == dsn::address::normalize(message->from));
    CHECK(&message->from_address() == &message->from_address());

    const std::string_view human = message->human_text();
    CHECK(human == dsn::dialects::before_returned_message(message->text));
    CHECK(human.find("could not") != std::string_view::npos);
    CHECK(human.find("our newsletter") == std::string_view::npos);
    CHECK(message->human_text().data() == message->text.data());

    dsn::Message empty;
    CHECK(empty.from_address().empty());
    CHECK(empty.human_text().empty());
}

TEST_CASE("part content is the same whether read in place or decoded from base64", "[message]") {
    auto message = dsn::load_message(kReport);
    REQUIRE(message);
    REQUIRE(message->delivery_status.size() == 2);
    CHECK(message->delivery_status[0] ==
          "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\n");
    // The line end before a boundary belongs to the boundary (RFC 2046), so the plain part ends
    // without one; the encoded part's own bytes keep theirs.
    CHECK(message->delivery_status[1] ==
          "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; b@example.org\nAction: failed");
}
