/*
 * version.h: trawl's version, the one place it is kept; every tool's
 * --version prints it ("histo (trawl) 0.2").
 */
#ifndef TRAWL_VERSION_H
#define TRAWL_VERSION_H

#define TRAWL_VERSION "0.2"

#endif
