"""The fake Win32 desktop model both fake clients stand on."""
