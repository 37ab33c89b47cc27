package io.cairn.engine;

/** An object carries a magic or version this Cairn does not know (written by a newer Cairn, or not Cairn's). */
public class UnsupportedFormatVersionException extends CairnException {
  public UnsupportedFormatVersionException(String object, String what, int version, int supported) {
    super(ErrorCode.UNSUPPORTED_FORMAT, object + " has " + what + " version " + version + ", this Cairn reads up to "
        + supported + "; upgrade Cairn to read it");
  }

  public UnsupportedFormatVersionException(String object, String message) {
    super(ErrorCode.UNSUPPORTED_FORMAT, object + ": " + message);
  }
}
