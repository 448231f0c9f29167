# `cmake --install build --prefix P` puts nines where other projects can use it:
#   P/bin/nines                           the command line
#   P/lib/libnines_<folder>.a             the engine, one static library per folder of engine/nines
#   P/include/nines/<folder>/*.hpp        its headers (and the generated base/version.hpp)
#   P/lib/cmake/nines/                    find_package(nines): nines::engine, nines::<folder>,
#                                         nines::nines (the CLI as an imported executable)
#   P/lib/pkgconfig/nines.pc              pkg-config --cflags --libs nines
#   P/share/nines/scenarios/              the example scenarios
#   P/share/man/man1/nines.1, P/share/bash-completion/completions/nines
# Both package files are relocatable: the installed tree may be moved as a whole. No path of the
# source or build tree reaches them (tests/install checks).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NINES_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/nines")

# The engine's static libraries, each after the libraries that use it (a postorder walk of the
# folder dependencies, reversed): the order a static link on the command line needs.
function(nines_postorder target)
  get_property(visited GLOBAL PROPERTY NINES_LINK_POSTORDER)
  if(target IN_LIST visited)
    return()
  endif()
  get_target_property(deps ${target} LINK_LIBRARIES)
  foreach(dep IN LISTS deps)
    if(dep MATCHES "^nines_" AND NOT dep STREQUAL "nines_flags")
      nines_postorder(${dep})
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY NINES_LINK_POSTORDER ${target})
endfunction()
get_target_property(nines_engine_parts nines_engine INTERFACE_LINK_LIBRARIES)
list(FILTER nines_engine_parts INCLUDE REGEX "^nines_")
foreach(part IN LISTS nines_engine_parts)
  nines_postorder(${part})
endforeach()
get_property(nines_link_order GLOBAL PROPERTY NINES_LINK_POSTORDER)
list(REVERSE nines_link_order)

install(TARGETS nines nines_flags ${nines_link_order} nines_engine
  EXPORT nines-targets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/engine/nines/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nines
  FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/engine/generated/nines/base/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nines/base)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/nines/scenarios)
# The man page (when help2man made one) and the bash completion, from the CLI's option table.
install(FILES ${PROJECT_BINARY_DIR}/nines.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
install(FILES ${PROJECT_BINARY_DIR}/nines.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME nines)

# The CMake package.
install(EXPORT nines-targets NAMESPACE nines:: DESTINATION ${NINES_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/nines-config.cmake.in
  ${PROJECT_BINARY_DIR}/nines-config.cmake
  INSTALL_DESTINATION ${NINES_CMAKE_DIR})
# 0.x: a new minor version may change the API, so only the same major.minor satisfies a request.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/nines-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/nines-config.cmake
  ${PROJECT_BINARY_DIR}/nines-config-version.cmake
  DESTINATION ${NINES_CMAKE_DIR})

# pkg-config. The prefix is found from the .pc file's own place, so `--prefix P` at install time
# (not only CMAKE_INSTALL_PREFIX at configure time) gives the right paths.
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(NINES_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(NINES_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(NINES_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH pc_to_prefix "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(NINES_PC_PREFIX "\${pcfiledir}/${pc_to_prefix}")
endif()
# The pkg-config names of the libraries the engine links; Boost (headers only) has none. Debian,
# Fedora and Homebrew all use these names; a distribution that does not can override them.
set(NINES_PC_REQUIRES "tbb hdf5 yaml-cpp zlib nlohmann_json" CACHE STRING
  "pkg-config modules nines.pc requires")
set(NINES_PC_CFLAGS "-ffp-contract=off")
foreach(dir IN LISTS Boost_INCLUDE_DIRS)
  if(NOT dir STREQUAL "/usr/include")
    string(APPEND NINES_PC_CFLAGS " -I${dir}")
  endif()
endforeach()
set(NINES_PC_LIBS "")
foreach(lib IN LISTS nines_link_order)
  string(APPEND NINES_PC_LIBS " -l${lib}")
endforeach()
# hdf5_hl (the dimension scales) has no pkg-config file of its own; it sits beside libhdf5.
string(APPEND NINES_PC_LIBS " -lhdf5_hl")
if(NINES_HAVE_MPI)
  # MPI's pkg-config name differs between implementations and distributions (ompi-c, mpich,
  # mpi-c): the paths FindMPI found are written instead.
  string(APPEND NINES_PC_CFLAGS " -DNINES_HAVE_MPI=1")
  foreach(dir IN LISTS MPI_C_INCLUDE_DIRS)
    string(APPEND NINES_PC_CFLAGS " -I${dir}")
  endforeach()
  foreach(lib IN LISTS MPI_C_LIBRARIES)
    string(APPEND NINES_PC_LIBS " ${lib}")
  endforeach()
endif()
if(CMAKE_THREAD_LIBS_INIT)
  string(APPEND NINES_PC_LIBS " ${CMAKE_THREAD_LIBS_INIT}")
endif()
if(nines_sanitize STREQUAL "thread")
  string(APPEND NINES_PC_LIBS " -fsanitize=thread")
elseif(NINES_SANITIZE)
  string(APPEND NINES_PC_LIBS " -fsanitize=address,undefined")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/nines.pc.in ${PROJECT_BINARY_DIR}/nines.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/nines.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
