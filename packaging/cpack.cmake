# Debian package (cpack -G DEB in the build directory): the programs, example configurations as
# conffiles under /etc/bounce-milter, systemd units, man pages, the MTA snippets, and maintainer
# scripts that create the bouncemilter system user. Included from the top-level CMakeLists.

set(BOUNCE_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(BOUNCE_PKG_BUILD ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${BOUNCE_PKG_BUILD}/man)

# --- files --------------------------------------------------------------------------------------
# Example configurations: installed as conffiles (dpkg keeps an administrator's edits on upgrade).
file(GLOB BOUNCE_EXAMPLE_CONFIGS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/conf/examples/*.toml)
# 0644 inside a root:bouncemilter 0750 directory (postinst): readable by the daemons, by no one else.
install(FILES ${BOUNCE_EXAMPLE_CONFIGS} DESTINATION /etc/bounce-milter)
set(BOUNCE_CONFFILES "")
foreach(example ${BOUNCE_EXAMPLE_CONFIGS})
  get_filename_component(name ${example} NAME)
  string(APPEND BOUNCE_CONFFILES "/etc/bounce-milter/${name}\n")
endforeach()
file(WRITE ${BOUNCE_PKG_BUILD}/conffiles "${BOUNCE_CONFFILES}")

# A unit is shipped only with its program: systemd-analyze verify (and systemd) reject a unit whose
# ExecStart does not exist.
foreach(daemon bounce-milter bounce-hooks bounce-drain)
  if(TARGET ${daemon})
    install(FILES ${BOUNCE_PKG_DIR}/systemd/${daemon}.service DESTINATION /lib/systemd/system)
  endif()
endforeach()

# Man pages, compressed as Debian policy asks (gzip -n: reproducible, no timestamp).
file(GLOB BOUNCE_MAN_PAGES CONFIGURE_DEPENDS ${BOUNCE_PKG_DIR}/man/*.[15])
set(BOUNCE_MAN_OUTPUTS "")
foreach(page ${BOUNCE_MAN_PAGES})
  get_filename_component(name ${page} NAME)
  string(REGEX REPLACE ".*\\.([15])$" "\\1" section ${name})
  set(out ${BOUNCE_PKG_BUILD}/man/${name}.gz)
  add_custom_command(OUTPUT ${out} COMMAND gzip -9n -c ${page} > ${out} DEPENDS ${page}
                     COMMENT "Compressing man page ${name}" VERBATIM)
  list(APPEND BOUNCE_MAN_OUTPUTS ${out})
  # A program's page only with the program; the configuration page always.
  string(REGEX REPLACE "\\.1$" "" program ${name})
  if(section STREQUAL "5" OR TARGET ${program})
    install(FILES ${out} DESTINATION share/man/man${section})
  endif()
endforeach()
add_custom_target(man_pages ALL DEPENDS ${BOUNCE_MAN_OUTPUTS})

install(FILES
  ${BOUNCE_PKG_DIR}/postfix/main.cf.snippet
  ${BOUNCE_PKG_DIR}/postfix/master.cf.snippet
  ${BOUNCE_PKG_DIR}/sendmail/bounce-milter.m4
  DESTINATION share/doc/bounce-milter)
# Alert rules for Prometheus (rule_files), with their promtool unit tests as a worked example.
install(FILES
  ${BOUNCE_PKG_DIR}/prometheus/bounce-milter.rules.yml
  ${BOUNCE_PKG_DIR}/prometheus/bounce-milter.rules.test.yml
  DESTINATION share/bounce-milter/prometheus)
# Every document (README and docs/*.md, which the README links), the copyright file and the changelog
# Debian policy asks for (changelog.Debian.gz, compressed reproducibly).
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${BOUNCE_PKG_DIR}/debian/copyright DESTINATION share/doc/bounce-milter)
file(GLOB BOUNCE_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${BOUNCE_DOCS} DESTINATION share/doc/bounce-milter/docs)
set(BOUNCE_CHANGELOG ${BOUNCE_PKG_BUILD}/changelog.Debian.gz)
add_custom_command(OUTPUT ${BOUNCE_CHANGELOG} COMMAND gzip -9n -c ${BOUNCE_PKG_DIR}/debian/changelog > ${BOUNCE_CHANGELOG}
                   DEPENDS ${BOUNCE_PKG_DIR}/debian/changelog COMMENT "Compressing the changelog" VERBATIM)
add_custom_target(debian_changelog ALL DEPENDS ${BOUNCE_CHANGELOG})
install(FILES ${BOUNCE_CHANGELOG} DESTINATION share/doc/bounce-milter)

# --- package metadata -----------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bounce-milter)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "bounce-milter maintainers <bounce-milter@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "bounce capture for listmonk: milter, provider webhooks and Redis drain")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "bounce capture for listmonk: milter, provider webhooks and Redis drain
 bounce-milter parses bounces (DSNs, ARF complaints, MTA and provider dialects) inline at Postfix or
 Sendmail and forwards one event per bounced recipient to listmonk, a Redis stream or a JSON Lines
 file through a durable SQLite outbox. bounce-hooks does the same for verified e-mail provider
 webhooks, bounce-drain posts a Redis stream's events to listmonk once each, bounce-parse backfills
 old mailboxes and bounce-outbox inspects and repairs the outbox.")
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Library dependencies computed by dpkg-shlibdeps (dpkg-dev) from the binaries; adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postfix | sendmail, redis-server")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${BOUNCE_PKG_BUILD}/conffiles
  ${BOUNCE_PKG_DIR}/debian/postinst
  ${BOUNCE_PKG_DIR}/debian/prerm
  ${BOUNCE_PKG_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# Stripped binaries: the debug information (most of a RelWithDebInfo binary) stays in the build tree.
set(CPACK_STRIP_FILES TRUE)
include(CPack)
