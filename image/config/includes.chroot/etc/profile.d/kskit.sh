# The ceremony scripts are commands on the image.
PATH=$PATH:/usr/share/kskit/ceremony
export PATH
