# The ceremony live image (included by the Makefile).  Root, Debian 12.
#
#   make deb          build/image/deb/kskit_$(VERSION)_amd64.deb (debian/)
#   make image        build/image/kskit-$(VERSION)-amd64.hybrid.iso with live-build,
#                     its package manifest, build time, size, SHA-256 and PGP words
#   make image-repro  two clean builds, compared byte for byte
#   make image-test   the ISO under QEMU (KVM or TCG) with swtpm and a USB stick:
#                     a KSR signing ceremony over the serial console, checked by Knot
#
# SOURCE_DATE_EPOCH defaults to the last commit's time.  Packages these
# targets need are installed by scripts/image-deps.

IMAGE_DIR ?= build/image
IMAGE_ISO = $(IMAGE_DIR)/kskit-$(VERSION)-amd64.hybrid.iso

.PHONY: deb image image-repro image-test image-deps

image-deps:
	@scripts/image-deps

deb: image-deps
	VERSION=$(VERSION) scripts/image-deb $(IMAGE_DIR)/deb

image: image-deps $(KSKIT)
	VERSION=$(VERSION) KSKIT="$(abspath $(KSKIT))" scripts/image-build $(IMAGE_DIR)

$(IMAGE_ISO):
	$(MAKE) image

image-repro: image-deps $(KSKIT)
	VERSION=$(VERSION) KSKIT="$(abspath $(KSKIT))" scripts/image-repro $(IMAGE_DIR)/repro

image-test: image-deps $(KSKIT) $(IMAGE_ISO)
	KSKIT="$(abspath $(KSKIT))" sh tests/image/run $(IMAGE_ISO)
