# The ceremony image: tty1 opens the ceremony menu, other terminals a shell.
[ -f ~/.bashrc ] && . ~/.bashrc
if [ "$(tty)" = /dev/tty1 ] && [ -x /usr/share/kskit/ceremony/menu ]; then
	/usr/share/kskit/ceremony/menu
fi
