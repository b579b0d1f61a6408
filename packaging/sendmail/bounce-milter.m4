dnl bounce-milter: Sendmail filter definition. Add to /etc/mail/sendmail.mc (or include() this file
dnl there), rebuild sendmail.cf (make -C /etc/mail) and restart Sendmail.
dnl F=T tempfails mail while the filter is unavailable, so remote MTAs retry and nothing is lost.
dnl BOUNCE_MILTER_SOCKET is bounce-milter's [milter] socket in Sendmail's spelling; the default matches
dnl the milter's default (socket = "inet:8895@127.0.0.1"). For socket = "unix:/run/bouncemilter/bouncemilter.sock",
dnl define it as `local:/run/bouncemilter/bouncemilter.sock' before this line and let Sendmail reach the
dnl socket (usermod -aG bouncemilter smmsp, and the daemon's run-as user).
ifdef(`BOUNCE_MILTER_SOCKET', `', `define(`BOUNCE_MILTER_SOCKET', `inet:8895@127.0.0.1')')dnl
INPUT_MAIL_FILTER(`bouncemilter', `S=BOUNCE_MILTER_SOCKET, F=T, T=C:10s;S:30s;R:30s;E:5m')dnl
