# Installing and packaging rnnviz: data lookup, version string, icons,
# man page, install rules (GNUInstallDirs) and the Debian package (CPack).
# Included once at the end of the top-level CMakeLists.txt.
include(GNUInstallDirs)

# rnnviz --version names the commit when built from git (taken at configure time).
find_package(Git QUIET)
set(RNNVIZ_GIT_DESCRIBE "")
set(RNNVIZ_GIT_DATE "Thu, 01 Jan 1970 00:00:00 +0000")
if(GIT_FOUND AND EXISTS ${CMAKE_SOURCE_DIR}/.git)
    execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --tags
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE RNNVIZ_GIT_DESCRIBE
        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%aD
        WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE git_date
        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(git_date)
        set(RNNVIZ_GIT_DATE "${git_date}")
    endif()
endif()
set_property(SOURCE ${CMAKE_SOURCE_DIR}/src/cli/version.c APPEND PROPERTY COMPILE_DEFINITIONS
    RNNVIZ_GIT_DESCRIBE="${RNNVIZ_GIT_DESCRIBE}")

# The icon, drawn by rnnviz's own draw list and PNG/SVG backends.
add_executable(rnnviz_icon ${CMAKE_SOURCE_DIR}/assets/icons/rnnviz_icon.c)
target_link_libraries(rnnviz_icon PRIVATE rnnviz_backend)
rnnviz_target_options(rnnviz_icon)
set(icon_dir ${CMAKE_BINARY_DIR}/icons)
set(icon_files ${icon_dir}/rnnviz.svg)
add_custom_command(OUTPUT ${icon_dir}/rnnviz.svg
    COMMAND ${CMAKE_COMMAND} -E make_directory ${icon_dir}
    COMMAND rnnviz_icon ${icon_dir}/rnnviz.svg 256 DEPENDS rnnviz_icon VERBATIM)
foreach(px 48 128 256)
    add_custom_command(OUTPUT ${icon_dir}/rnnviz-${px}.png
        COMMAND ${CMAKE_COMMAND} -E make_directory ${icon_dir}
        COMMAND rnnviz_icon ${icon_dir}/rnnviz-${px}.png ${px} DEPENDS rnnviz_icon VERBATIM)
    list(APPEND icon_files ${icon_dir}/rnnviz-${px}.png)
endforeach()

# The man page: rnnviz --man, from the same tables as --help; gzip -n for
# a reproducible file.
set(man_page ${CMAKE_BINARY_DIR}/rnnviz.1)
add_custom_command(OUTPUT ${man_page} ${man_page}.gz
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:rnnviz> -DARG=--man -DOUT=${man_page}
            -P ${CMAKE_SOURCE_DIR}/cmake/run_to_file.cmake
    COMMAND gzip -9nf -k ${man_page}
    DEPENDS rnnviz ${CMAKE_SOURCE_DIR}/cmake/run_to_file.cmake VERBATIM)
add_custom_target(rnnviz_install_files ALL DEPENDS ${icon_files} ${man_page}.gz)

# Debian's changelog and copyright, for the package's doc directory.
set(RNNVIZ_MAINTAINER "rnnviz maintainers <maintainers@users.noreply.h-seed-2d2d63ae.example>"
    CACHE STRING "Maintainer of the Debian package")
configure_file(${CMAKE_SOURCE_DIR}/assets/debian/changelog.in ${CMAKE_BINARY_DIR}/changelog @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/changelog.gz
    COMMAND gzip -9nf -k ${CMAKE_BINARY_DIR}/changelog
    DEPENDS ${CMAKE_BINARY_DIR}/changelog VERBATIM)
add_custom_target(rnnviz_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.gz)

# Install layout: bin/rnnviz; share/rnnviz/{fonts,text,lessons}; menu entry,
# icons, man page; README, copyright and changelog in share/doc/rnnviz.
set(data ${CMAKE_INSTALL_DATADIR}/rnnviz)
install(TARGETS rnnviz RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# A stripped install (CPack) also drops .comment, as Debian's dh_strip does.
install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND ${CMAKE_OBJCOPY} --remove-section=.comment
        \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/rnnviz)
endif()")
# The video module (FFmpeg), loaded by --video from P/lib/rnnviz for
# P/bin/rnnviz (src/base/paths.c). In the .deb, dpkg-shlibdeps reads it as
# it reads the binary, so FFmpeg's libraries come into Depends.
if(TARGET rnnviz-video)
    install(TARGETS rnnviz-video LIBRARY DESTINATION lib/rnnviz
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    install(CODE "if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND ${CMAKE_OBJCOPY} --remove-section=.comment
        \$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/rnnviz/rnnviz-video.so)
endif()")
endif()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/lessons/ DESTINATION ${data}/lessons)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/text DESTINATION ${data})
# The .deb links Debian's own DejaVu files (lintian: duplicate-font-file);
# a plain install copies the bundled fonts and their licence.
option(RNNVIZ_SYSTEM_FONTS "Link the fonts of fonts-dejavu-core/-extra instead of copying" OFF)
if(RNNVIZ_SYSTEM_FONTS)
    file(GLOB font_files RELATIVE ${CMAKE_SOURCE_DIR}/assets/fonts
         ${CMAKE_SOURCE_DIR}/assets/fonts/*.ttf)
    foreach(font ${font_files})
        set(link ${CMAKE_BINARY_DIR}/font-links/${font})
        file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/font-links)
        file(CREATE_LINK ../../fonts/truetype/dejavu/${font} ${link} SYMBOLIC)
        install(FILES ${link} DESTINATION ${data}/fonts)
    endforeach()
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core, fonts-dejavu-extra")
    install(FILES ${CMAKE_SOURCE_DIR}/assets/debian/lintian-overrides RENAME rnnviz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides)
else()
    install(DIRECTORY ${CMAKE_SOURCE_DIR}/assets/fonts DESTINATION ${data})
endif()
install(FILES ${CMAKE_SOURCE_DIR}/assets/rnnviz.desktop
    DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${icon_dir}/rnnviz.svg
    DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(px 48 128 256)
    install(FILES ${icon_dir}/rnnviz-${px}.png RENAME rnnviz.png
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${px}x${px}/apps)
endforeach()
install(FILES ${man_page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/assets/debian/copyright
    ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The installed tree works from anywhere (tests/test_install.sh).
add_test(NAME test_install COMMAND bash ${CMAKE_SOURCE_DIR}/tests/test_install.sh
    ${CMAKE_BINARY_DIR})
set_tests_properties(test_install PROPERTIES ENVIRONMENT
    "SDL_VIDEODRIVER=dummy;OPENBLAS_NUM_THREADS=1" TIMEOUT 600)

# The Debian package: scripts/package-deb.sh runs cpack -G DEB.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rnnviz)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "rnnviz")
set(CPACK_PACKAGE_CONTACT "${RNNVIZ_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "watch recurrent neural networks compute")
set(CPACK_PACKAGE_DESCRIPTION "rnnviz draws a recurrent neural network unrolled in time
and steps through its forward pass and its backpropagation through time one
node at a time, every number on screen computed by its own small engine.
The gradient norm at every time step is plotted, so that vanishing and
exploding gradients can be seen, and changed: spectral radius, tanh or relu,
RNN, GRU or LSTM cells, clipping, training.
.
It ships Markdown lessons a lecturer can step through with a clicker,
exports any state as PNG or SVG for slides, and has a command line that
checks a student's own implementation against the engine's gradients.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${RNNVIZ_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
